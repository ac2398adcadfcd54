import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiDoc, AuthUser, CurrentUser, ErrorCode, PageOf, PageQueryDto, Public, Roles } from '@app/common';
import {
  CreateDepartmentDto,
  CreateUserDto,
  DepartmentsService,
  DepartmentView,
  ListUsersQueryDto,
  UpdateDepartmentDto,
  UpdateUserDto,
  UsersService,
  UserView,
} from '@app/identity';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller({ path: 'users', version: '1' })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiDoc({
    summary: 'Create a staff account',
    description:
      'An administrator creates an administrator, officer or evaluator account; without a password the person gets a set-password e-mail.',
    errors: [ErrorCode.EMAIL_TAKEN, ErrorCode.DEPARTMENT_REQUIRED, ErrorCode.DEPARTMENT_NOT_FOUND, ErrorCode.PASSWORD_TOO_WEAK],
  })
  createUser(@CurrentUser() actor: AuthUser, @Body() dto: CreateUserDto) {
    return this.users.create(actor, dto);
  }

  @Get()
  @ApiDoc({
    summary: 'List accounts',
    description: 'Every account, filterable by role and status.',
    errors: [ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(UserView) })
  listUsers(@Query() query: ListUsersQueryDto) {
    return this.users.list(query);
  }

  @Get(':id')
  @ApiDoc({
    summary: 'Read an account',
    description: 'One account; never its password hash or lockout counters.',
    errors: [ErrorCode.USER_NOT_FOUND],
  })
  getUser(@Param('id', ParseUUIDPipe) id: string) {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiDoc({
    summary: 'Edit a staff account',
    description: 'Name, role and department of a staff account; firm members are managed by their firm.',
    errors: [
      ErrorCode.USER_NOT_FOUND,
      ErrorCode.ROLE_NOT_ASSIGNABLE,
      ErrorCode.DEPARTMENT_REQUIRED,
      ErrorCode.DEPARTMENT_NOT_FOUND,
    ],
  })
  updateUser(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(actor, id, dto);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Disable an account',
    description: 'It can no longer sign in, and its sessions end at once.',
    errors: [ErrorCode.USER_NOT_FOUND, ErrorCode.CANNOT_DISABLE_SELF],
  })
  disableUser(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.setStatus(actor, id, 'disabled');
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Enable an account',
    description: 'A disabled account may sign in again.',
    errors: [ErrorCode.USER_NOT_FOUND],
  })
  enableUser(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
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
  @ApiDoc({
    summary: 'List departments',
    description: 'City departments, public: the portal filters problems by them.',
    errors: [ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(DepartmentView) })
  listDepartments(@Query() query: PageQueryDto) {
    return this.departments.list(query);
  }

  @Public()
  @Get(':id')
  @ApiDoc({
    summary: 'Read a department',
    description: 'One department by id.',
    errors: [ErrorCode.DEPARTMENT_NOT_FOUND],
  })
  getDepartment(@Param('id', ParseUUIDPipe) id: string) {
    return this.departments.get(id);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post()
  @ApiDoc({
    summary: 'Create a department',
    description: 'An administrator adds a city department, with an optional unique code.',
    errors: [ErrorCode.DEPARTMENT_CODE_TAKEN],
  })
  createDepartment(@CurrentUser() actor: AuthUser, @Body() dto: CreateDepartmentDto) {
    return this.departments.create(actor, dto);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Patch(':id')
  @ApiDoc({
    summary: 'Edit a department',
    description: 'Its name or code.',
    errors: [ErrorCode.DEPARTMENT_NOT_FOUND, ErrorCode.DEPARTMENT_CODE_TAKEN],
  })
  updateDepartment(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateDepartmentDto) {
    return this.departments.update(actor, id, dto);
  }
}
