import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class ConfirmProposalDto {
  @ApiProperty({ description: 'The amendment the firm has read (the latest one)', example: 1, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  amendmentNumber: number;
}
