import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiDoc, ErrorCode, PageOf, PageQueryDto, Roles } from '@app/common';
import { UsersService } from '@app/identity';

export class ListEvaluatorsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of the e-mail or name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

/** What an officer needs to pick a panel member: a name and an e-mail, nothing more. */
export class EvaluatorOption {
  @ApiProperty() id: string;
  @ApiProperty() fullName: string;
  @ApiProperty() email: string;
}

/**
 * The active evaluators an officer may put on a panel. Accounts are an administrator's business
 * (GET /users); this list gives an officer only the name and e-mail of active evaluators.
 */
@ApiTags('evaluation')
@ApiBearerAuth()
@Roles('officer', 'admin')
@Controller({ path: 'evaluators', version: '1' })
export class EvaluatorsController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiDoc({
    summary: 'List active evaluators',
    description: 'Officers pick panel members from it: name and e-mail of each active evaluator account, searchable by either.',
    errors: [ErrorCode.INVALID_CURSOR],
  })
  @ApiOkResponse({ type: PageOf(EvaluatorOption) })
  async listEvaluators(@Query() query: ListEvaluatorsQueryDto) {
    const page = await this.users.list({ ...query, role: 'evaluator', status: 'active' });
    return {
      items: page.items.map((u): EvaluatorOption => ({ id: u.id, fullName: u.fullName, email: u.email })),
      nextCursor: page.nextCursor,
    };
  }
}
