import { Module } from '@nestjs/common';
import { AreasModule } from '@app/areas';
import { IndicatorsService } from './indicators.service';

@Module({
  imports: [AreasModule],
  providers: [IndicatorsService],
  exports: [IndicatorsService],
})
export class IndicatorsModule {}
