/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The whole questionnaire on the report (issue 11, part 5): every section that is not a scored
 * component — process, channels, integrity, priorities, profile, service field, as the definition
 * has them — under its Vietnamese title, each choice question as shares of the people who were asked
 * it, with n asked, n answered, asked but not answered, and not asked (section switched off on the
 * tablet, or not applicable). Renders report.questionnaire as it is: nothing is computed here.
 */
import { formatCount, formatPercentage, localize } from '../../../shared/l10n';
import type { ReportChoice, SipasReport } from '../report';
import type { PageContext } from './context';
import { Figure } from './Figures';

/** The report's questionnaire section; nothing when the definition asks no choice question outside the components. */
export function QuestionnaireSection({ ctx, report }: { ctx: PageContext; report: SipasReport }) {
  const { t, lang } = ctx;
  if (report.questionnaire.length === 0) return null;
  const anyMultiple = report.questionnaire.some((section) => section.choices.some((choice) => choice.kind === 'multiple'));
  return (
    <section aria-labelledby="questionnaire" class="questionnaire">
      <h2 id="questionnaire">{t('questionnaire.heading')}</h2>
      <p class="hint">{t('questionnaire.note')}</p>
      {anyMultiple ? <p class="hint">{t('questionnaire.multipleNote')}</p> : null}
      {report.questionnaire.map((section) => (
        <>
          <h3 id={`questionnaire-${section.sectionId}`}>
            {localize(section.title, lang)}
            {section.optional ? <span class="hint"> ({t('questionnaire.optional')})</span> : null}
          </h3>
          <table aria-labelledby={`questionnaire-${section.sectionId}`}>
            <thead>
              <tr>
                <th>{t('questionnaire.question')}</th>
                <th>{t('questionnaire.shares')}</th>
                <th class="num">{t('questionnaire.asked')}</th>
                <th class="num">{t('questionnaire.answered')}</th>
                <th class="num">{t('questionnaire.unanswered')}</th>
                <th class="num">{t('questionnaire.switchedOff')}</th>
                <th class="num">{t('questionnaire.notApplicable')}</th>
              </tr>
            </thead>
            <tbody>
              {section.choices.map((choice) => (
                <ChoiceRow ctx={ctx} choice={choice} minValid={report.figures.minValid} />
              ))}
            </tbody>
          </table>
        </>
      ))}
    </section>
  );
}

/** One question: its options' shares of those asked (no decimals on few respondents), then the counts. */
function ChoiceRow({ ctx, choice, minValid }: { ctx: PageContext; choice: ReportChoice; minValid: number }) {
  const { t, lang } = ctx;
  const count = (n: number) => formatCount(lang, n);
  const share = (value: number | null) => formatPercentage(lang, value === null ? null : 100 * value, choice.lowN ? 0 : 1);
  return (
    <tr data-question={choice.questionId}>
      <td>
        {choice.questionId}. {localize(choice.text, lang)}
        {choice.kind === 'multiple' ? <span class="hint"> ({t('questionnaire.multiple')})</span> : null}
      </td>
      <td>
        <ul class="shares">
          {choice.options.map((option) => (
            <li data-option={option.code}>
              {localize(option.label, lang)}: {share(option.shareOfAsked)} ({count(option.count)})
            </li>
          ))}
        </ul>
      </td>
      <td class="num">
        {count(choice.asked)}
        <Figure ctx={ctx} percent={null} lowN={choice.lowN} minValid={minValid} badgeOnly />
      </td>
      <td class="num">{count(choice.answered)}</td>
      <td class="num">{count(choice.unanswered)}</td>
      <td class="num">{count(choice.switchedOff)}</td>
      <td class="num">{count(choice.notApplicable)}</td>
    </tr>
  );
}
