import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A day off by law or by the Government's announcement (weekends are always off and never listed). */
@Entity('city_holidays')
export class CityHoliday {
  /** YYYY-MM-DD */
  @PrimaryColumn({ type: 'date' })
  day: string;

  @Column({ name: 'name_vi', type: 'text' })
  nameVi: string;

  @Column({ name: 'name_en', type: 'text' })
  nameEn: string;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
