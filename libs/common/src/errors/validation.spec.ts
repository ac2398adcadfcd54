import { IsInt, IsString, validateSync } from 'class-validator';
import { rememberValidationRules } from './validation';

class Base {
  @IsString()
  name: unknown;
}

class Child extends Base {
  @IsInt()
  count: unknown;
}

const failing = (value: object) =>
  validateSync(value)
    .map((e) => e.property)
    .sort();

describe('rememberValidationRules: class-validator’s rules looked up once per class', () => {
  beforeAll(() => rememberValidationRules());

  it('validates as before, own and inherited rules, again and again', () => {
    for (let i = 0; i < 3; i++) {
      expect(failing(Object.assign(new Child(), { name: 1, count: 'x' }))).toEqual(['count', 'name']);
      expect(failing(Object.assign(new Child(), { name: 'a', count: 2 }))).toEqual([]);
      expect(failing(Object.assign(new Base(), { name: 1 }))).toEqual(['name']);
    }
  });

  it('forgets what it remembered when a rule is added later (a class loaded after the first validation)', () => {
    expect(failing(Object.assign(new Child(), { name: 'a', count: 2, label: 3 }))).toEqual([]);
    IsString()(Base.prototype, 'label');
    expect(failing(Object.assign(new Child(), { name: 'a', count: 2, label: 3 }))).toEqual(['label']);
  });

  it('is installed once, however often it is called', () => {
    rememberValidationRules();
    expect(failing(Object.assign(new Child(), { name: 1, count: 2, label: 'b' }))).toEqual(['name']);
  });
});
