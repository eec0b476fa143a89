#!/usr/bin/env node
// A webhook consumer for the README's tour: verifies each Standard Webhooks signature with the
// stock `standardwebhooks` package and prints the event.
//   WEBHOOK_SECRET=whsec_... node examples/webhook-receiver.mjs [port]
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('error: set WEBHOOK_SECRET to the secret `outbox subscriptions add` printed.');
  process.exit(1);
}
const port = Number(process.argv[2] ?? 9000);
const verifier = new Webhook(secret);

createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      const event = verifier.verify(body, request.headers);
      console.log(`✓ ${request.headers['webhook-id']}  ${event.type}  ${JSON.stringify(event.data)}`);
      response.writeHead(204).end();
    } catch (error) {
      console.log(`✗ rejected a request: ${error.message}`);
      response.writeHead(400).end();
    }
  });
}).listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}/hook`));
