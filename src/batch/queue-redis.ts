/**
 * The Redis connection of the queue: `redis://` URLs, BullMQ connection options (ioredis, as
 * BullMQ expects), a probe that turns "no Redis there" into one clear error before any queue
 * object exists, and the workers' presence keys.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisOptions as BullRedisOptions } from 'bullmq';
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

/** ioredis options for a target. */
function redisOptions(target: RedisTarget): RedisOptions {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username !== undefined && { username: target.username }),
    ...(target.password !== undefined && { password: target.password }),
    ...(target.tls && { tls: { servername: target.host } }),
  };
}

/** BullMQ connection options: workers block on Redis, so commands wait for a reconnect instead of failing. */
export function bullConnection(target: RedisTarget): BullRedisOptions {
  return { ...redisOptions(target), maxRetriesPerRequest: null } as BullRedisOptions;
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
  const client = new Redis({ ...redisOptions(target), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let cause: Error | undefined; // ioredis emits the socket's error, then rejects with "Connection is closed"
  client.on('error', (error: Error) => (cause ??= error));
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    });
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      timeout,
    ]);
  } catch (error) {
    throw new VanbanError('USAGE', `queue ${target.shown}: ${describeRedisError(cause ?? error, target)}`);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Redis keys of the live workers of a queue: a presence key per worker process, with what it says about itself. */
const workerKey = (queueName: string, id = ''): string => `bull:${queueName}:vanban-worker:${id}`;

/** A worker's presence: a key refreshed while it runs, gone `ttlMs` after it stops or dies. */
export class Heartbeat {
  private readonly client: Redis;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    target: RedisTarget,
    private readonly key: string,
    private readonly value: string,
    private readonly ttlMs: number,
    /** Told after every beat whether Redis took it (the worker's view of the connection). */
    private readonly onBeat: (error: Error | undefined) => void = () => undefined,
  ) {
    // Fails fast while Redis is away (the beat says so) and reconnects by itself.
    this.client = new Redis({ ...redisOptions(target), maxRetriesPerRequest: 0, enableOfflineQueue: false });
    this.client.on('error', () => undefined);
  }

  static forWorker(target: RedisTarget, queueName: string, id: string, info: object, ttlMs: number, onBeat?: (error: Error | undefined) => void): Heartbeat {
    return new Heartbeat(target, workerKey(queueName, id), JSON.stringify(info), ttlMs, onBeat);
  }

  start(): void {
    const beat = async (): Promise<void> => {
      await this.client.set(this.key, this.value, 'PX', this.ttlMs);
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
    await this.client.del(this.key).catch(() => undefined);
    this.client.disconnect();
  }
}

/** The workers of a queue alive now, with what they said about themselves. */
export async function liveWorkers(target: RedisTarget, queueName: string): Promise<Array<Record<string, unknown>>> {
  const client = new Redis({ ...redisOptions(target), maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    const keys = await client.keys(`${workerKey(queueName)}*`);
    const values = keys.length > 0 ? await client.mget(keys) : [];
    return values.filter((v): v is string => typeof v === 'string').map((v) => JSON.parse(v) as Record<string, unknown>);
  } finally {
    client.disconnect();
  }
}
