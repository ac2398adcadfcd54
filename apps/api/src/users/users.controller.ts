import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, PageQueryDto, Public, Roles } from '@app/common';
import {
  CreateDepartmentDto,
  CreateUserDto,
  DepartmentsService,
  ListUsersQueryDto,
  UpdateDepartmentDto,
  UpdateUserDto,
  UsersService,
} from '@app/identity';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller({ path: 'users', version: '1' })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateUserDto) {
    return this.users.create(actor, dto);
  }

  @Get()
  list(@Query() query: ListUsersQueryDto) {
    return this.users.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.users.get(id);
  }

  @Patch(':id')
  update(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(actor, id, dto);
  }

  @Post(':id/disable')
  @HttpCode(200)
  disable(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.setStatus(actor, id, 'disabled');
  }

  @Post(':id/enable')
  @HttpCode(200)
  enable(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.setStatus(actor, id, 'active');
  }
}

@ApiTags('admin')
@Controller({ path: 'departments', version: '1' })
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  /** Department names are public: the portal filters problems by them. */
  @Public()
  @Get()
  list(@Query() query: PageQueryDto) {
    return this.departments.list(query);
  }

  @Public()
  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.departments.get(id);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post()
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateDepartmentDto) {
    return this.departments.create(actor, dto);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Patch(':id')
  update(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateDepartmentDto) {
    return this.departments.update(actor, id, dto);
  }
}
