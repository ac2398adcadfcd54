import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, OptionalJwtAuthGuard, PageQueryDto, Public, Roles } from '@app/common';
import { AddEnterpriseMemberDto, EnterprisesService, ListEnterprisesQueryDto, UpdateEnterpriseDto } from '@app/enterprises';

@ApiTags('enterprises')
@Controller({ path: 'enterprises', version: '1' })
export class EnterprisesController {
  constructor(private readonly enterprises: EnterprisesService) {}

  /** The directory: verified firms; admins may ask for another status. */
  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get()
  list(@CurrentUser() viewer: AuthUser | undefined, @Query() query: ListEnterprisesQueryDto) {
    return this.enterprises.list(viewer, query);
  }

  /** Public for verified firms; otherwise only the firm itself, officers and admins see it. */
  @Public()
  @UseGuards(OptionalJwtAuthGuard)
  @Get(':id')
  get(@CurrentUser() viewer: AuthUser | undefined, @Param('id', ParseUUIDPipe) id: string) {
    return this.enterprises.get(viewer, id);
  }

  /** The firm's owner or an admin. */
  @ApiBearerAuth()
  @Roles('enterprise', 'admin')
  @Patch(':id')
  update(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateEnterpriseDto) {
    return this.enterprises.update(actor, id, dto);
  }

  /** The dated status changes: the firm's members, officers and admins. */
  @ApiBearerAuth()
  @Roles('enterprise', 'officer', 'admin')
  @Get(':id/history')
  history(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() query: PageQueryDto) {
    return this.enterprises.history(actor, id, query);
  }

  /** The firm's accounts: its members and admins. */
  @ApiBearerAuth()
  @Roles('enterprise', 'admin')
  @Get(':id/members')
  members(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() query: PageQueryDto) {
    return this.enterprises.members(actor, id, query);
  }

  /** The firm's owner (or an admin) adds a colleague, who is mailed a set-password link. */
  @ApiBearerAuth()
  @Roles('enterprise', 'admin')
  @Post(':id/members')
  addMember(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AddEnterpriseMemberDto) {
    return this.enterprises.addMember(actor, id, dto);
  }
}
