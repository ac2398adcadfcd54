import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PROBLEM_SECTORS, type ProblemSector } from '../problem.constants';

export class InviteEnterprisesDto {
  @ApiProperty({ type: [String], description: 'verified firms; inviting one twice is harmless' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  enterpriseIds: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;
}

export class UpdateSubscriptionsDto {
  @ApiProperty({ enum: PROBLEM_SECTORS, isArray: true })
  @IsArray()
  @ArrayMaxSize(PROBLEM_SECTORS.length)
  @IsIn(PROBLEM_SECTORS, { each: true })
  sectors: ProblemSector[];

  @ApiProperty({ type: [String], description: 'matched accent-insensitively against new problems' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(2, { each: true })
  @MaxLength(100, { each: true })
  keywords: string[];
}
