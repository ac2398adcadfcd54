export * from './notifications.module';
export * from './notifications.service';
export * from './notification-mailer.service';
export * from './notification-views';
export * from './notification-jobs';
export { usersNotifiedWithin } from './recent-notifications';
