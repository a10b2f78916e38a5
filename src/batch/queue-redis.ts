/**
 * The Redis connection of the queue: `redis://` URLs, a small RESP2 client for BullMQ, and a
 * probe that turns "no Redis there" into one clear error before any queue object exists.
 *
 * Why a client of our own: BullMQ takes its Redis driver as an optional peer (ioredis,
 * node-redis or Bun's client) and vanban ships none of them. BullMQ adapts any client shaped
 * like Bun's (`send`, `connect`, `close`, `duplicate`, `onconnect`/`onclose`), with reconnects,
 * scripts and transactions handled in its adapter; that shape takes ~150 lines over node:net.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { RedisConnection, createBunRedisClient, type RedisOptions } from 'bullmq';
import { VanbanError } from '../errors.js';

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL without its password, for messages. */
  shown: string;
}

/** Parse `redis://[user:pass@]host[:port][/db]` (or rediss:// for TLS). */
export function parseRedisUrl(url: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VanbanError('USAGE', `--queue must be a Redis URL such as redis://127.0.0.1:6379/0, got "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new VanbanError('USAGE', `--queue must be a redis:// or rediss:// URL, got "${url}"`);
  }
  const dbText = parsed.pathname.replace(/^\//, '') || '0';
  const db = Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new VanbanError('USAGE', `the Redis database in "${url}" must be a number (e.g. /0), got "${dbText}"`);
  const port = parsed.port ? Number(parsed.port) : 6379;
  const target: RedisTarget = {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port,
    db,
    tls: parsed.protocol === 'rediss:',
    shown: `${parsed.protocol}//${parsed.username ? `${decodeURIComponent(parsed.username)}@` : ''}${parsed.host || '127.0.0.1'}/${db}`,
  };
  if (parsed.username) target.username = decodeURIComponent(parsed.username);
  if (parsed.password) target.password = decodeURIComponent(parsed.password);
  return target;
}

type Reply = string | number | null | Error | Reply[];

/** Parse one RESP2 reply at `at`; undefined when the buffer does not hold all of it yet. */
function parseReply(buf: Buffer, at: number): { value: Reply; next: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const type = buf[at];
  const line = buf.toString('utf8', at + 1, eol);
  switch (type) {
    case 0x2b: // +
      return { value: line, next: eol + 2 };
    case 0x2d: // -
      return { value: new Error(line), next: eol + 2 };
    case 0x3a: // :
      return { value: Number(line), next: eol + 2 };
    case 0x24: {
      // $
      const length = Number(line);
      if (length < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + length + 2) return undefined;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + length), next: eol + 2 + length + 2 };
    }
    case 0x2a: {
      // *
      const count = Number(line);
      if (count < 0) return { value: null, next: eol + 2 };
      const items: Reply[] = [];
      let next = eol + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected Redis reply type "${String.fromCharCode(type ?? 0)}"`);
  }
}

function encode(command: string, args: ReadonlyArray<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length + 1}\r\n$${Buffer.byteLength(command)}\r\n${command}\r\n`)];
  for (const arg of args) {
    const data = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg));
    parts.push(Buffer.from(`$${data.length}\r\n`), data, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** One Redis connection shaped like Bun's RedisClient (what BullMQ's Bun adapter drives). */
export class RespClient {
  connected = false;
  onconnect: (() => void) | undefined;
  onclose: ((error?: Error) => void) | undefined;
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (value: Reply) => void; reject: (error: Error) => void }> = [];
  private lastError: Error | undefined;
  private connecting = false;

  constructor(readonly target: RedisTarget) {}

  private connectingNow: Promise<void> | undefined;

  /** Connect (once: concurrent calls share one attempt, so one client never has two sockets). */
  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connectingNow ??= this.open().finally(() => (this.connectingNow = undefined));
    return this.connectingNow;
  }

  private async open(): Promise<void> {
    const { host, port } = this.target;
    this.lastError = undefined;
    this.connecting = true;
    await new Promise<void>((resolve, reject) => {
      const socket = this.target.tls ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port });
      this.socket = socket;
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 10_000);
      const fail = (error: Error): void => {
        this.lastError = error;
        reject(error);
      };
      socket.once('error', fail);
      socket.once(this.target.tls ? 'secureConnect' : 'connect', () => {
        socket.removeListener('error', fail);
        socket.on('error', (error) => (this.lastError = error));
        resolve();
      });
      // Events of a socket this client has moved on from are not its replies.
      socket.on('data', (chunk: Buffer) => {
        if (socket === this.socket) this.receive(chunk);
      });
      socket.on('close', () => {
        if (socket === this.socket) this.closed();
      });
    });
    this.connected = true;
    this.connecting = false;
    if (this.target.password !== undefined) {
      await this.send('AUTH', this.target.username ? [this.target.username, this.target.password] : [this.target.password]);
    }
    if (this.target.db !== 0) await this.send('SELECT', [String(this.target.db)]);
    this.onconnect?.();
  }

  // The typed helpers Bun's client has and BullMQ's adapter type asks for.
  get(key: string): Promise<string | null> {
    return this.send('GET', [key]) as Promise<string | null>;
  }
  smembers(key: string): Promise<unknown[]> {
    return this.send('SMEMBERS', [key]) as Promise<unknown[]>;
  }
  incr(key: string): Promise<number> {
    return this.send('INCR', [key]) as Promise<number>;
  }

  send<T = Reply>(command: string, args: ReadonlyArray<string | Buffer> = []): Promise<T> {
    const socket = this.socket;
    if (!this.connected || !socket) return Promise.reject(new Error('Connection closed'));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve: resolve as (value: Reply) => void, reject });
      socket.write(encode(command, args));
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  async duplicate(): Promise<this> {
    return new RespClient(this.target) as this;
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let at = 0;
    for (;;) {
      const reply = at < this.buffer.length ? parseReply(this.buffer, at) : undefined;
      if (!reply) break;
      at = reply.next;
      const waiter = this.waiting.shift();
      if (!waiter) continue;
      if (reply.value instanceof Error) waiter.reject(reply.value);
      else waiter.resolve(reply.value);
    }
    this.buffer = at === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(at);
  }

  private closed(): void {
    // A failed first connect reports too: BullMQ's adapter then retries with backoff.
    const wasConnected = this.connected || this.connecting;
    this.connected = false;
    this.connecting = false;
    this.socket = undefined;
    this.buffer = Buffer.alloc(0);
    const error = new Error(`Connection closed${this.lastError ? `: ${this.lastError.message}` : ''}`);
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    if (wasConnected) this.onclose?.(this.lastError);
  }
}

/** BullMQ connection options for a target; every BullMQ object then connects through RespClient. */
export function bullConnection(target: RedisTarget): RedisOptions {
  RedisConnection.clientFactory ??= (opts: RedisOptions) => {
    const own = (opts as { vanbanTarget?: RedisTarget }).vanbanTarget;
    if (!own) throw new Error('vanban: a BullMQ connection without a vanban Redis target');
    return createBunRedisClient(new RespClient(own));
  };
  return { host: target.host, port: target.port, db: target.db, vanbanTarget: target } as RedisOptions;
}

/** Why a connection failed, in words an operator can act on. */
export function describeRedisError(error: unknown, target: RedisTarget, running = false): string {
  const err = error as NodeJS.ErrnoException;
  const where = `${target.host}:${target.port}`;
  if (running && (err?.code === 'ECONNRESET' || err?.code === 'EPIPE' || /Connection (closed|is closed)/.test(err?.message ?? ''))) {
    return `Redis at ${where} went away (${err.code ?? err.message})`;
  }
  switch (err?.code) {
    case 'ECONNREFUSED':
      return `no Redis answers at ${where} (connection refused): start one (e.g. "redis-server" or "docker run -p 6379:6379 redis") or fix --queue`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the Redis host "${target.host}" is not known (DNS lookup failed): check --queue`;
    case 'ETIMEDOUT':
      return `Redis at ${where} did not answer in time: check the host, port and firewall`;
    case 'ECONNRESET':
      return `Redis at ${where} closed the connection: is it a Redis server (and TLS only with rediss://)?`;
    default:
      if (/NOAUTH|WRONGPASS|invalid password/i.test(err?.message ?? '')) return `Redis at ${where} refused the credentials in --queue: ${err.message}`;
      return `cannot use Redis at ${where}: ${err?.message ?? String(error)}`;
  }
}

/** Connect once and PING, so a wrong URL or a stopped Redis is one clear error, not a hang. */
export async function probeRedis(target: RedisTarget, timeoutMs = 5000): Promise<void> {
  const client = new RespClient(target);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    });
    await Promise.race([
      (async () => {
        await client.connect();
        await client.send('PING');
      })(),
      timeout,
    ]);
  } catch (error) {
    throw new VanbanError('USAGE', `queue ${target.shown}: ${describeRedisError(error, target)}`);
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

/** Redis keys of the live workers of a queue (BullMQ's own worker list needs client names this client does not set). */
const workerKey = (queueName: string, id = ''): string => `bull:${queueName}:vanban-worker:${id}`;

/** A worker's presence: a key refreshed while it runs, gone `ttlMs` after it stops or dies. */
export class Heartbeat {
  private readonly client: RespClient;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    target: RedisTarget,
    private readonly key: string,
    private readonly value: string,
    private readonly ttlMs: number,
    /** Told after every beat whether Redis took it (the worker's view of the connection). */
    private readonly onBeat: (error: Error | undefined) => void = () => undefined,
  ) {
    this.client = new RespClient(target);
  }

  static forWorker(target: RedisTarget, queueName: string, id: string, info: object, ttlMs: number, onBeat?: (error: Error | undefined) => void): Heartbeat {
    return new Heartbeat(target, workerKey(queueName, id), JSON.stringify(info), ttlMs, onBeat);
  }

  start(): void {
    const beat = async (): Promise<void> => {
      if (!this.client.connected) await this.client.connect();
      await this.client.send('SET', [this.key, this.value, 'PX', String(this.ttlMs)]);
    };
    const tick = (): void =>
      void beat().then(
        () => this.onBeat(undefined),
        (error: Error) => this.onBeat(error),
      );
    tick();
    this.timer = setInterval(tick, Math.min(5000, Math.max(500, this.ttlMs / 3)));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.client.connected) await this.client.send('DEL', [this.key]).catch(() => undefined);
    this.client.close();
  }
}

/** The workers of a queue alive now, with what they said about themselves. */
export async function liveWorkers(target: RedisTarget, queueName: string): Promise<Array<Record<string, unknown>>> {
  const client = new RespClient(target);
  try {
    await client.connect();
    const keys = (await client.send<string[]>('KEYS', [`${workerKey(queueName)}*`])) ?? [];
    const values = keys.length > 0 ? ((await client.send<Array<string | null>>('MGET', keys)) ?? []) : [];
    return values.filter((v): v is string => typeof v === 'string').map((v) => JSON.parse(v) as Record<string, unknown>);
  } finally {
    client.close();
  }
}
