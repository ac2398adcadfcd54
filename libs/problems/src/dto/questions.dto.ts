import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class AskQuestionDto {
  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(4000)
  question: string;
}

export class AnswerQuestionDto {
  @ApiProperty({ description: 'published with the question; answering again replaces it (audited)' })
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  answer: string;
}
