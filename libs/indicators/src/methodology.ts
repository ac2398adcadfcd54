import { BOUNDARY_CHANGE_DATE } from '@app/areas';
import { MethodologySection } from './dto/methodology.dto';
import { isLanguage, languageFromHeader, LOCALES, translate } from '@app/common';

export const METHODOLOGY_LANGUAGES = ['vi', 'en'] as const;
export type MethodologyLanguage = (typeof METHODOLOGY_LANGUAGES)[number];

/** The language asked for: ?lang wins, then the first Accept-Language tag we have; Vietnamese by default. */
export function methodologyLanguage(lang: string | undefined, acceptLanguage: string | undefined): MethodologyLanguage {
  return isLanguage(lang) ? lang : languageFromHeader(acceptLanguage);
}

type Texts = { title: string; sections: MethodologySection[] };

interface MethodologyTexts {
  title: string;
  sections: Record<string, { heading: string; body: Record<string, string> }>;
}

/** The methodology's wording, from the translation files (`methodology.*`), with the live target and the boundary date. */
export function methodologyTexts(language: MethodologyLanguage, target: number): Texts {
  const texts = (LOCALES[language] as { methodology: MethodologyTexts }).methodology;
  const values = { target, date: BOUNDARY_CHANGE_DATE };
  return {
    title: translate(language, 'methodology.title'),
    sections: Object.entries(texts.sections).map(([key, section]) => ({
      key,
      heading: translate(language, `methodology.sections.${key}.heading`),
      body: Object.keys(section.body).map((p) => translate(language, `methodology.sections.${key}.body.${p}`, values)),
    })),
  };
}
