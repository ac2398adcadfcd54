import { IsDecimal2 } from '@app/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export class PanelMemberDto {
  @ApiProperty({ format: 'uuid', description: 'An active evaluator account' })
  @IsUUID()
  userId!: string;

  @ApiPropertyOptional({ description: 'Exactly one member chairs the panel' })
  @IsOptional()
  @IsBoolean()
  chair?: boolean;
}

export class SetPanelDto {
  @ApiProperty({ type: [PanelMemberDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PanelMemberDto)
  members!: PanelMemberDto[];

  @ApiPropertyOptional({ description: 'Required for any change after the deadline; recorded' })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason?: string;
}

export class ConflictDeclarationDto {
  @ApiProperty({ format: 'uuid', description: 'A bidding firm (GET /problems/:id/bidders)' })
  @IsUUID()
  enterpriseId!: string;

  @ApiProperty({ description: 'true: a conflict of interest with this firm (final)' })
  @IsBoolean()
  conflict!: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class DeclareConflictsDto {
  @ApiProperty({ type: [ConflictDeclarationDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ConflictDeclarationDto)
  declarations!: ConflictDeclarationDto[];
}

export class CriterionScoreDto {
  @ApiProperty({ description: 'A rubric criterion key' })
  @IsString()
  @MaxLength(100)
  criterion!: string;

  @ApiProperty({ minimum: 0, maximum: 10, description: 'Up to two decimal places' })
  @IsDecimal2()
  @Min(0)
  @Max(10)
  score!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  comment?: string;
}

export class SaveScoresDto {
  @ApiProperty({ type: [CriterionScoreDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CriterionScoreDto)
  scores!: CriterionScoreDto[];
}

export class ReopenScoresDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  evaluatorId!: string;

  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason!: string;
}

export class ScoresQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "One evaluator's scores (another's: only after submitting your own)" })
  @IsOptional()
  @IsUUID()
  evaluatorId?: string;
}

export class ConsensusDto {
  @ApiProperty({ minimum: 0, maximum: 100 })
  @IsDecimal2()
  @Min(0)
  @Max(100)
  score!: number;

  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(5000)
  reason!: string;
}

export class AwardDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  proposalId!: string;

  @ApiPropertyOptional({ description: 'Required when the proposal is not the top-ranked one' })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(5000)
  justification?: string;
}

export class DeclareUnsuccessfulDto {
  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(5000)
  reason!: string;
}
