// Wake-ups across replicas: a send through any replica publishes the endpoints it reached, and
// every replica hears them and wakes its own waiting devices.
//
// Channels are a fixed set of buckets (`si:wake:{<n>}`, WAKE_BUCKETS of them, a user's bucket
// chosen from its XUID), which every replica subscribes to once, when it connects; a device that
// starts waiting sends Redis nothing. A subscription per waiting user instead cost a SUBSCRIBE and
// an UNSUBSCRIBE per long poll, on the connection every replica's wake-ups travel on: thousands of
// devices starting to wait together queued their subscriptions behind each other until some timed
// out (503). On a Cluster the buckets are shard channels (SPUBLISH/SSUBSCRIBE), spread over the
// masters by their hash tags, so no node carries every wake-up.
//
// On one server a send's delivery script publishes its wake-up itself, on the same channels and in
// the same form (redis-invite-store.ts); `publish` here serves a Cluster, where it cannot.
//
// A wake-up lost while Redis is unreachable costs a waiting device its wait, not the invite: the
// invite is stored, and the end of the wait reads it.
import type { EndpointKey } from '../../invites/delivery.ts';
import type { WakeUpListener, WakeUps } from '../../invites/wake-ups.ts';
import type { RedisClient } from './connection.ts';

/** Enough buckets to spread wake-ups over a Cluster's masters; every replica hears them all. */
export const WAKE_BUCKETS = 64;

export const wakeChannel = (bucket: number) => `si:wake:{${bucket}}`;

/** The bucket of a user: its XUID's last digits, which spread evenly over any set of users. */
export function wakeBucket(xuid: string): number {
  return Number(xuid.slice(-6)) % WAKE_BUCKETS;
}

export interface RedisWakeUpsOptions {
  /** Publishes wake-ups (the command connection). */
  publisher: RedisClient;
  /** Receives them (a connection used for nothing else). */
  subscriber: RedisClient;
  /** Sharded pub/sub (a Cluster) or classic pub/sub (one server). */
  sharded: boolean;
}

export interface RedisWakeUps extends WakeUps {
  /** Resolves once every bucket is subscribed (the first time; each reconnection subscribes again). */
  readonly subscribed: Promise<void>;
}

const channelPattern = /^si:wake:\{([0-9]+)\}$/;

export function createRedisWakeUps(options: RedisWakeUpsOptions): RedisWakeUps {
  const { publisher, subscriber, sharded } = options;
  let listener: WakeUpListener = () => {};
  subscriber.on(sharded ? 'smessage' : 'message', (channel: string, message: string) => {
    if (!channelPattern.test(channel)) return;
    listener(message.split(','));
  });
  const channels = Array.from({ length: WAKE_BUCKETS }, (_, bucket) => wakeChannel(bucket));
  let markSubscribed!: () => void;
  const subscribed = new Promise<void>((resolve) => {
    markSubscribed = resolve;
  });
  // Every time the subscriber connection becomes ready: at start, and after each reconnection (a
  // subscription Redis never confirmed, because it was down at start, is not renewed by ioredis).
  // Subscribing again to a channel already subscribed changes nothing.
  const subscribeAll = () => {
    Promise.all(
      channels.map((channel) => (sharded ? subscriber.ssubscribe(channel) : subscriber.subscribe(channel))),
    ).then(markSubscribed, () => {
      // Redis went again before confirming: its next 'ready' subscribes again.
    });
  };
  subscriber.on('ready', subscribeAll);
  if (subscriber.status === 'ready') subscribeAll();

  return {
    subscribed,
    publish(keys: readonly EndpointKey[]) {
      const byBucket = new Map<number, EndpointKey[]>();
      for (const key of keys) {
        const bucket = wakeBucket(key.slice(0, key.indexOf('/')));
        const group = byBucket.get(bucket);
        if (group) group.push(key);
        else byBucket.set(bucket, [key]);
      }
      for (const [bucket, group] of byBucket) {
        // Endpoint keys never contain a comma (the contract's patterns).
        const message = group.join(',');
        const channel = wakeChannel(bucket);
        (sharded ? publisher.spublish(channel, message) : publisher.publish(channel, message)).catch(
          () => {},
        );
      }
    },
    listen(next) {
      listener = next;
    },
    close() {
      listener = () => {};
    },
  };
}
