import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import releaseSchema from '../schema/release-schema.json';
import packageSchema from '../schema/release-package-schema.json';
import { buildRelease, buildReleasePackage, OcdsProblemSnapshot, releaseIdOf } from './ocds-release.builder';

/** The official OCDS 1.1.5 schemas, draft-04, the release schema registered under its URL id. */
function packageValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(releaseSchema, releaseSchema.id);
  return ajv.compile(packageSchema);
}

const snapshot: OcdsProblemSnapshot = {
  problemId: '7b1e4c1e-4a7d-4a59-9d1b-0f6b7c1f2a10',
  title: 'Giám sát giao thông thông minh tại nút giao Lạch Tray',
  summary: 'Giảm ùn tắc giờ cao điểm bằng camera và AI',
  status: 'published',
  sector: 'public_administration',
  budgetCeiling: 1_500_000_000,
  durationMonths: 6,
  publishedAt: new Date('2026-03-01T02:00:00Z'),
  deadline: new Date('2026-03-20T10:00:00Z'),
  clarificationDeadline: new Date('2026-03-17T10:00:00Z'),
  department: { id: 'b0d8e2a0-0000-4000-8000-000000000001', name: 'Sở Khoa học và Công nghệ', code: 'SKHCN' },
  tenderers: [],
  amendments: [],
};

const firmA = { id: 'a', name: 'Công ty Cổ phần Công nghệ Hải Phòng', taxCode: '0200519875' };
const firmB = { id: 'b', name: 'Công ty TNHH Giải pháp Số Cảng', taxCode: '0100109106' };
const options = { ocidPrefix: 'ocds-hpsm01', publicUrl: 'http://localhost:3000' };

describe('OCDS releases', () => {
  const validate = packageValidator();
  const expectValid = (pkg: unknown) => {
    const ok = validate(pkg);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  };
  const pack = (releases: Record<string, unknown>[]) =>
    buildReleasePackage(releases, {
      uri: 'http://localhost:3000/api/v1/ocds/release-packages',
      publishedDate: new Date(),
      publisherName: 'UBND TP Hải Phòng',
    });

  it('a tender, an amendment, an award and an unsuccessful tender all validate against the 1.1.5 schema', () => {
    const tender = buildRelease('tender', snapshot, options, snapshot.publishedAt);
    const amended = buildRelease(
      'tenderAmendment',
      {
        ...snapshot,
        deadline: new Date('2026-03-25T10:00:00Z'),
        amendments: [
          {
            number: 1,
            date: new Date('2026-03-10T00:00:00Z'),
            reason: 'Bổ sung dữ liệu',
            changedFields: ['deadline', 'dataAvailable'],
          },
        ],
      },
      options,
      new Date('2026-03-10T00:00:00Z'),
      1,
    );
    const awarded = buildRelease(
      'award',
      {
        ...snapshot,
        status: 'awarded',
        tenderers: [firmA, firmB],
        award: { date: new Date('2026-04-01T00:00:00Z'), supplier: firmA, price: 1_200_000_000, durationMonths: 5 },
      },
      options,
      new Date('2026-04-01T00:00:00Z'),
    );
    const failed = buildRelease(
      'unsuccessful',
      {
        ...snapshot,
        status: 'unsuccessful',
        tenderers: [firmB],
        unsuccessful: { date: new Date('2026-04-01T00:00:00Z'), reason: 'No proposal reached the pass mark' },
      },
      options,
      new Date('2026-04-01T00:00:00Z'),
    );
    const cancelled = buildRelease(
      'tenderCancellation',
      { ...snapshot, status: 'cancelled', cancelled: { date: new Date(), reason: 'Duplicate' } },
      options,
      new Date(),
    );
    expectValid(pack([tender, amended, awarded, failed, cancelled]));

    expect(awarded).toMatchObject({
      tag: ['award', 'tenderUpdate'],
      awards: [{ status: 'active', value: { amount: 1_200_000_000, currency: 'VND' }, suppliers: [{ id: 'VN-TAX-0200519875' }] }],
      tender: { status: 'complete', numberOfTenderers: 2 },
    });
    expect(failed).toMatchObject({ awards: [{ status: 'unsuccessful' }], tender: { status: 'unsuccessful' } });
  });

  it('gives each event a stable id under the ocid', () => {
    const a = buildRelease('tender', snapshot, options, snapshot.publishedAt);
    const b = buildRelease('tender', { ...snapshot, title: 'changed' }, options, new Date());
    expect(a.id).toBe(b.id);
    expect(a.ocid).toBe(`ocds-hpsm01-${snapshot.problemId}`);
    expect(releaseIdOf(a.ocid as string, 'tenderAmendment', 2)).toBe(`ocds-hpsm01-${snapshot.problemId}-amendment-2`);
  });

  it('the validator really rejects a broken release', () => {
    const bad = { ...buildRelease('tender', snapshot, options, snapshot.publishedAt), tag: ['notATag'] };
    expect(validate(pack([bad]))).toBe(false);
  });
});
