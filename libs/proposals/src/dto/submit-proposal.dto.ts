import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import type { ProposalReference } from '../receipt';

const TEXT_MAX = 50_000;

/** A reference is a short string, or exactly {title, url} with an http(s) URL. */
@ValidatorConstraint({ name: 'proposalReference' })
export class ProposalReferenceConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value === 'string') return value.trim().length > 0 && value.length <= 1000;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const keys = Object.keys(value).sort();
    if (keys.length !== 2 || keys[0] !== 'title' || keys[1] !== 'url') return false;
    const { title, url } = value as { title: unknown; url: unknown };
    if (typeof title !== 'string' || title.trim().length === 0 || title.length > 300) return false;
    if (typeof url !== 'string' || url.length > 2000) return false;
    try {
      return ['http:', 'https:'].includes(new URL(url).protocol);
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'validation.proposalReference';
  }
}

export class SubmitProposalDto {
  @ApiProperty({ description: 'Approach', maxLength: TEXT_MAX })
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEXT_MAX)
  approach: string;

  @ApiProperty({ description: 'Technical solution', maxLength: TEXT_MAX })
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEXT_MAX)
  solution: string;

  @ApiProperty({ description: 'Implementation plan', maxLength: TEXT_MAX })
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEXT_MAX)
  plan: string;

  @ApiProperty({ description: 'Team', maxLength: TEXT_MAX })
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEXT_MAX)
  team: string;

  @ApiProperty({ description: 'Price in VND (integer)', example: 1_250_000_000 })
  @IsInt()
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  price: number;

  @ApiProperty({ description: 'Duration in months', example: 6 })
  @IsInt()
  @IsPositive()
  @Max(120)
  durationMonths: number;

  @ApiPropertyOptional({
    description: 'References: strings, or {title, url}',
    type: 'array',
    items: {
      oneOf: [
        { type: 'string' },
        {
          type: 'object',
          properties: { title: { type: 'string' }, url: { type: 'string', format: 'uri' } },
          required: ['title', 'url'],
        },
      ],
    },
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Validate(ProposalReferenceConstraint, { each: true })
  references?: ProposalReference[];

  @ApiPropertyOptional({
    description: 'Attachments uploaded earlier for this problem by this firm (POST /problems/:id/attachments)',
    type: [String],
    format: 'uuid',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attachmentIds?: string[];
}
