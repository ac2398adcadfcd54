import { Msg } from './i18n';

/** A field's name in words (`fields.<name>`), for messages that name a field; the raw name when none is written. */
export function fieldName(path: string): Msg {
  const name = path.split('.').filter((part) => !/^\d+$/.test(part)).pop() ?? path;
  return new Msg(`fields.${name}`, { defaultValue: name });
}

export const problemStatus = (status: string): Msg => new Msg(`problemStatus.${status}`, { defaultValue: status });
export const enterpriseStatus = (status: string): Msg => new Msg(`enterpriseStatus.${status}`, { defaultValue: status });
