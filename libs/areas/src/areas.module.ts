import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Area } from './area.entity';
import { AreaPopulation } from './area-population.entity';
import { AreasService } from './areas.service';

@Module({
  imports: [TypeOrmModule.forFeature([Area, AreaPopulation])],
  providers: [AreasService],
  exports: [AreasService],
})
export class AreasModule {}
