// Verifies Standard Webhooks asymmetric signatures (v1a, ed25519) with the public keys the
// engine publishes at GET /v1/signing-keys, using Go's standard library only.
//
//	go run examples/verify-v1a/main.go -jwks https://outbox.example.com/v1/signing-keys < requests.jsonl
//
// Each stdin line is one request: {"headers": {"webhook-id": …, "webhook-timestamp": …,
// "webhook-signature": …}, "body": "<raw body>"}. Prints "verified N" or exits 1 naming the first
// request that does not verify. In a server, call verify from your handler with the raw body.
package main

import (
	"bufio"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
)

type jwks struct {
	Keys []struct {
		Crv string `json:"crv"`
		X   string `json:"x"`
	} `json:"keys"`
}

// publicKeys fetches the JWKS (cache it for a few minutes in a server).
func publicKeys(url string) ([]ed25519.PublicKey, error) {
	response, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer response.Body.Close()
	var set jwks
	if err := json.NewDecoder(response.Body).Decode(&set); err != nil {
		return nil, err
	}
	var keys []ed25519.PublicKey
	for _, key := range set.Keys {
		raw, err := base64.RawURLEncoding.DecodeString(key.X)
		if key.Crv == "Ed25519" && err == nil && len(raw) == ed25519.PublicKeySize {
			keys = append(keys, ed25519.PublicKey(raw))
		}
	}
	return keys, nil
}

// verify accepts the request when one v1a signature verifies with one of the keys.
func verify(keys []ed25519.PublicKey, id, timestamp, signatures, body string) error {
	signed := []byte(id + "." + timestamp + "." + body)
	for _, signature := range strings.Split(signatures, " ") {
		version, value, found := strings.Cut(signature, ",")
		if !found || version != "v1a" {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(value)
		if err != nil {
			continue
		}
		for _, key := range keys {
			if ed25519.Verify(key, signed, raw) {
				return nil
			}
		}
	}
	return errors.New("no v1a signature verifies with the published keys")
}

func main() {
	url := flag.String("jwks", "", "the engine's GET /v1/signing-keys URL")
	flag.Parse()
	keys, err := publicKeys(*url)
	if err != nil || len(keys) == 0 {
		fmt.Fprintln(os.Stderr, "error: no public keys from", *url, err)
		os.Exit(1)
	}
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 1<<24)
	count := 0
	for scanner.Scan() {
		var request struct {
			Headers map[string]string `json:"headers"`
			Body    string            `json:"body"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &request); err != nil {
			fmt.Fprintln(os.Stderr, "error: a line is not a request:", err)
			os.Exit(1)
		}
		h := request.Headers
		if err := verify(keys, h["webhook-id"], h["webhook-timestamp"], h["webhook-signature"], request.Body); err != nil {
			fmt.Fprintf(os.Stderr, "error: request %s: %v\n", h["webhook-id"], err)
			os.Exit(1)
		}
		count++
	}
	fmt.Printf("verified %d\n", count)
}
