import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { AreaUnitType } from './area-types';

/** numeric comes back from pg as a string; these are small decimals, safe as numbers. */
const numericAsNumber = {
  to: (v: number | null) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

/** The city or one of its commune-level units (reference data, loaded by the seed). */
@Entity({ name: 'areas' })
export class Area {
  @PrimaryColumn('text')
  code: string;

  @Column('text')
  name: string;

  @Column({ name: 'unit_type', type: 'text' })
  unitType: AreaUnitType;

  @Column({ name: 'parent_code', type: 'text', nullable: true })
  parentCode: string | null;

  @Column({ name: 'area_km2', type: 'numeric', precision: 10, scale: 2, nullable: true, transformer: numericAsNumber })
  areaKm2: number | null;

  /** YYYY-MM-DD: first day in force (null: since before any date the platform knows). */
  @Column({ name: 'valid_from', type: 'date', nullable: true })
  validFrom: string | null;

  /** YYYY-MM-DD: last day in force (null: still in force). */
  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo: string | null;

  /** A 2025 commune-level unit formed inside the city as it was before 1 July 2025: that city's code. */
  @Column({ name: 'former_parent_code', type: 'text', nullable: true })
  formerParentCode: string | null;

  @Column({ type: 'text', nullable: true })
  basis: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
