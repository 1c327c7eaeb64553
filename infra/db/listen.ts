import type pg from 'pg';
import type { Db } from './pool.js';

/**
 * LISTEN on a channel over a connection of its own (held until the returned function is called): each notification's
 * payload goes to `onPayload`. Notifications are announcements; listeners read the data through their own queries.
 */
export async function listen(db: Db, channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  const client = await db.connect();
  const onNotification = (message: pg.Notification) => {
    if (message.channel === channel && message.payload) onPayload(message.payload);
  };
  client.on('notification', onNotification);
  await client.query(`listen ${channel}`);
  return async () => {
    client.off('notification', onNotification);
    await client.query(`unlisten ${channel}`).catch(() => undefined);
    client.release();
  };
}
