import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, PageQueryDto } from '@app/common';
import { NotificationList, NotificationsService } from '@app/notifications';

class ListNotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only unread ones' })
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true')
  @IsBoolean()
  unread?: boolean;
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller({ path: 'me/notifications', version: '1' })
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiDoc({
    summary: 'List my notifications',
    description: 'Newest first, optionally unread only, with the unread count.',
    errors: [ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: NotificationList })
  async listNotifications(@CurrentUser() user: AuthUser, @Query() query: ListNotificationsQueryDto) {
    const [page, unreadCount] = await Promise.all([this.notifications.list(user, query), this.notifications.unreadCount(user)]);
    return { ...page, unreadCount };
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Mark all my notifications read',
    description: 'Answers how many were marked.',
    errors: [],
  })
  markAllNotificationsRead(@CurrentUser() user: AuthUser) {
    return this.notifications.markAllRead(user);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Mark one notification read',
    description: 'Only one’s own notifications can be marked.',
    errors: [ErrorCode.NOT_FOUND],
  })
  markNotificationRead(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.notifications.markRead(user, id);
  }
}
