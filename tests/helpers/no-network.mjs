/**
 * Preload (`node --import`) that refuses every outbound connection and records
 * each attempt. Worker threads inherit execArgv, so tesseract.js's worker runs it too.
 *   VANBAN_NET_LOG     file that gets one line per attempt: "<threadId> <api>"
 *   VANBAN_NET_LOADED  file that gets one line per thread the guard was installed in
 */
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import net from 'node:net';
import tls from 'node:tls';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';

const log = process.env.VANBAN_NET_LOG;
const record = (api) => {
  if (log) appendFileSync(log, `${threadId} ${api}\n`);
};
const deny = (api) =>
  function denied() {
    record(api);
    throw new Error(`network access denied in tests (${api})`);
  };

net.connect = deny('net.connect');
net.createConnection = deny('net.createConnection');
net.Socket.prototype.connect = deny('net.Socket.connect');
tls.connect = deny('tls.connect');
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) dns[name] = deny(`dns.${name}`);
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) dns.promises[name] = deny(`dns.promises.${name}`);
http.request = deny('http.request');
http.get = deny('http.get');
https.request = deny('https.request');
https.get = deny('https.get');
globalThis.fetch = async () => {
  record('fetch');
  throw new TypeError('network access denied in tests (fetch)');
};

if (process.env.VANBAN_NET_LOADED) appendFileSync(process.env.VANBAN_NET_LOADED, `${threadId}\n`);
