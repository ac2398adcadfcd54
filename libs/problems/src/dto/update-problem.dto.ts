import { PartialType } from '@nestjs/swagger';
import { CreateProblemDto } from './create-problem.dto';

/** Drafts only; null clears an optional field. */
export class UpdateProblemDto extends PartialType(CreateProblemDto) {}
