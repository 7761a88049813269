/** The notifications context's API for other contexts: `notify` inside the transaction of the business write. */
export { type NotifyInput, notify } from './notification-store.js';
export { NOTIFICATION_EVENTS, type NotificationEvent } from './events.js';
