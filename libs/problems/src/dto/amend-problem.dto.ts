import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsObject, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { CreateProblemDto } from './create-problem.dto';

/** Any editable field but the sector; the rubric is accepted here only to be refused with RUBRIC_FROZEN. */
export class AmendProblemChangesDto extends PartialType(OmitType(CreateProblemDto, ['rubric', 'sector'] as const)) {
  @ApiPropertyOptional({ description: 'refused: the rubric is frozen at publishing (RUBRIC_FROZEN)' })
  @IsOptional()
  @Allow()
  rubric?: unknown;
}

export class AmendProblemDto {
  @ApiProperty({ description: 'why the problem changes; published with the amendment' })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;

  @ApiProperty({ type: AmendProblemChangesDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AmendProblemChangesDto)
  changes: AmendProblemChangesDto;
}
