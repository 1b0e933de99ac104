// Wakes long polls across replicas: a send through any replica publishes on the invitee's channel
// (`si:{<xuid>}:wake`, in the user's Cluster slot), and every replica holding a long poll for one
// of that user's endpoints is subscribed to it. On a Cluster the channel is a shard channel
// (SPUBLISH/SSUBSCRIBE), so a wake-up travels only to the node owning the user's slot instead of
// being broadcast to every node.
//
// A replica subscribes to a user's channel once, however many of its long polls wait on that user,
// and unsubscribes when the last one ends. The waiting itself is the in-process notifier's.

import type { EndpointKey } from '../../invites/delivery.ts';
import {
  createInviteNotifier,
  type InviteNotifier,
  realTimer,
  type SetTimer,
  type Subscription,
} from '../../invites/invite-notifier.ts';
import { type RedisClient, redisUnavailable } from './connection.ts';
import { userKeys } from './redis-invite-store.ts';

export interface RedisInviteNotifierOptions {
  /** Publishes wake-ups (the command connection). */
  publisher: RedisClient;
  /** Receives them (a connection used for nothing else). */
  subscriber: RedisClient;
  /** Sharded pub/sub (a Cluster) or classic pub/sub (one server). */
  sharded: boolean;
  setTimer?: SetTimer;
}

const channelPattern = /^si:\{([0-9]+)\}:wake$/;

export function createRedisInviteNotifier(options: RedisInviteNotifierOptions): InviteNotifier {
  const { publisher, subscriber, sharded } = options;
  const local = createInviteNotifier(options.setTimer ?? realTimer);
  interface Held {
    channel: string;
    holders: number;
    confirmed: Promise<void>;
  }
  const channels = new Map<string, Held>();

  subscriber.on(sharded ? 'smessage' : 'message', (channel: string, message: string) => {
    const xuid = channelPattern.exec(channel)?.[1];
    if (xuid === undefined) return;
    local.notify(message.split(',').map((endpointId) => `${xuid}/${endpointId}`));
  });

  function hold(channel: string): Held {
    const held = channels.get(channel);
    if (held) {
      held.holders += 1;
      return held;
    }
    const entry: Held = { channel, holders: 1, confirmed: Promise.resolve() };
    entry.confirmed = (sharded ? subscriber.ssubscribe(channel) : subscriber.subscribe(channel)).then(
      () => undefined,
      (error: unknown) => {
        // Not subscribed: the next long poll on this user tries again.
        if (channels.get(channel) === entry) channels.delete(channel);
        throw redisUnavailable(error);
      },
    );
    channels.set(channel, entry);
    return entry;
  }

  function release(entry: Held): void {
    entry.holders -= 1;
    if (entry.holders > 0 || channels.get(entry.channel) !== entry) return;
    channels.delete(entry.channel);
    // A failed unsubscribe leaves a subscription that only costs stray wake-ups.
    const { channel } = entry;
    (sharded ? subscriber.sunsubscribe(channel) : subscriber.unsubscribe(channel)).catch(() => {});
  }

  return {
    subscribe(key): Subscription {
      const xuid = key.slice(0, key.indexOf('/'));
      const channel = userKeys(xuid).channel;
      const subscription = local.subscribe(key);
      const held = hold(channel);
      const { confirmed } = held;
      // A poll that ends before the confirmation must not leave an unhandled rejection.
      confirmed.catch(() => {});
      let cancelled = false;
      return {
        ready: () => confirmed,
        wait: (timeoutMs, signal) => subscription.wait(timeoutMs, signal),
        cancel() {
          if (cancelled) return;
          cancelled = true;
          subscription.cancel();
          release(held);
        },
      };
    },

    notify(keys: Iterable<EndpointKey>) {
      const byUser = new Map<string, string[]>();
      for (const key of keys) {
        const slash = key.indexOf('/');
        const xuid = key.slice(0, slash);
        const endpoints = byUser.get(xuid) ?? [];
        endpoints.push(key.slice(slash + 1));
        byUser.set(xuid, endpoints);
      }
      for (const [xuid, endpointIds] of byUser) {
        const channel = userKeys(xuid).channel;
        // Endpoint ids never contain a comma (the contract's pattern). A lost wake-up costs a long
        // poll its wait, not the invite: the invite is stored and the next poll returns it.
        const message = endpointIds.join(',');
        (sharded ? publisher.spublish(channel, message) : publisher.publish(channel, message)).catch(
          () => {},
        );
      }
    },

    close() {
      local.close();
    },
  };
}
