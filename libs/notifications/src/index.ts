export * from './notifications.module';
export * from './notifications.service';
export * from './notification-mailer.service';
export * from './notification.entity';
export * from './notification-jobs';
export { usersNotifiedWithin } from './recent-notifications';
