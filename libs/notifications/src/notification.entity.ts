import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { cityIso } from '@app/common';
import type { NotificationKind } from './notification-jobs';

@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column('text')
  kind: NotificationKind;

  @Column('text')
  title: string;

  @Column('text')
  body: string;

  @Column({ type: 'jsonb' })
  data: { [key: string]: string | number | boolean | null };

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt: Date | null;

  @Column({ name: 'emailed_at', type: 'timestamptz', nullable: true })
  emailedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

export class NotificationView {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: Notification['data'];
  readAt: string | null;
  createdAt: string;
}

export function toNotificationView(n: Notification): NotificationView {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    data: n.data,
    readAt: n.readAt ? cityIso(n.readAt) : null,
    createdAt: cityIso(n.createdAt),
  };
}
