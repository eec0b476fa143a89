// A Kafka-protocol broker for tests: franz-go's kfake in-memory cluster on loopback. No Kafka
// server can run on the test machine, so the kafka target's tests run against this real
// implementation of the wire protocol instead (produce, idempotent producers, fetch, groups).
//
//	kafka-broker -topics orders,payments -partitions 3
//
// Prints the listening address (host:port) on the first line of stdout, then runs until
// stdin closes or it receives SIGINT/SIGTERM.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	topics := flag.String("topics", "", "comma-separated topics to create")
	partitions := flag.Int("partitions", 1, "partitions per topic")
	port := flag.Int("port", 0, "port to listen on (0: any free port)")
	flag.Parse()

	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.Ports(*port)}
	if *topics != "" {
		opts = append(opts, kfake.SeedTopics(int32(*partitions), strings.Split(*topics, ",")...))
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kafka-broker:", err)
		os.Exit(1)
	}
	defer cluster.Close()
	fmt.Println(cluster.ListenAddrs()[0])

	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		done <- struct{}{}
	}()
	go func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
		<-signals
		done <- struct{}{}
	}()
	<-done
}
