import type { Selectable } from 'kysely';
import { cityIso } from '@app/common';
import type { DB } from '@app/database';
import type { NotificationKind } from './notification-jobs';

/** The ids a notification carries for the client to link to (problemId, proposalId, …). */
export type NotificationData = { [key: string]: string | number | boolean | null };

/** A notification as stored (notifications row). */
export type NotificationRow = Selectable<DB['notifications']>;

export class NotificationView {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: NotificationData;
  readAt: string | null;
  createdAt: string;
}

export function toNotificationView(n: NotificationRow): NotificationView {
  return {
    id: n.id,
    kind: n.kind as NotificationKind,
    title: n.title,
    body: n.body,
    data: n.data as NotificationData,
    readAt: n.read_at ? cityIso(n.read_at) : null,
    createdAt: cityIso(n.created_at),
  };
}
