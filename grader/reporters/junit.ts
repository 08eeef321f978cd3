// JUnit XML, as CI systems read it: one <testsuite> per submission, one <testcase> per
// scenario; a failing scenario carries <failure message="KIND"> with its plain text report
// (the counterexample's timeline included). A submission that could not be graded is one
// <testcase name="submission"> with an <error>. Everything a student wrote is escaped:
// markup characters, quotes, and characters XML 1.0 cannot carry at all.
import type { GradeResult, ScenarioResult } from '../result';
import { earned, shortfall } from './earned';
import { scenarioReport, GradescopeOptions } from './gradescope';
import { oneLine } from '../../trace/style';

export type JunitOptions = GradescopeOptions;

/** Characters XML 1.0 allows (tab, newline, carriage return and the rest above U+001F, less
 *  lone surrogates and U+FFFE/U+FFFF); anything else, and ANSI colour codes, go. */
function clean(s: string): string {
  return s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}
export function xmlText(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);
const failed = (s: ScenarioResult): boolean => !earned(s);

function testcase(r: GradeResult, s: ScenarioResult, o: JunitOptions): string[] {
  const head = `    <testcase classname="${xmlAttr(r.exercise)}" name="${xmlAttr(s.name)}" time="${seconds(s.stats.ms)}">`;
  const out = [head];
  if (failed(s)) {
    const kind = shortfall(s);
    const message = s.failure?.message.split('\n').find((l) => l.trim() !== '' && !/^=+$/.test(l.trim())) ?? s.reach ?? kind;
    out.push(`      <failure message="${xmlAttr(kind)}" type="${xmlAttr(s.verdict)}">${xmlText(`${message}\n\n${scenarioReport(r, s, o)}`)}</failure>`);
  } else {
    out.push(`      <system-out>${xmlText(scenarioReport(r, s, o))}</system-out>`);
  }
  out.push('    </testcase>');
  return out;
}

function testsuite(r: GradeResult, o: JunitOptions): { xml: string[]; tests: number; failures: number; errors: number; ms: number } {
  const props = [['exercise', r.exercise], ['submission', r.submission], ['verdict', r.verdict], ['score', String(r.score)], ['max_score', String(r.max_score)]]
    .map(([k, v]) => `      <property name="${k}" value="${xmlAttr(v)}"/>`);
  if (r.verdict === 'error') {
    const kind = r.error_kind ?? 'error';
    return {
      tests: 1, failures: 0, errors: 1, ms: 0,
      xml: [`  <testsuite name="${xmlAttr(oneLine(r.submission))}" tests="1" failures="0" errors="1" skipped="0" time="0.000">`,
        '    <properties>', ...props, '    </properties>',
        `    <testcase classname="${xmlAttr(r.exercise)}" name="submission" time="0.000">`,
        `      <error message="${xmlAttr(kind)}" type="${xmlAttr(kind)}">${xmlText(r.error ?? '')}</error>`,
        '    </testcase>', '  </testsuite>'],
    };
  }
  const failures = r.scenarios.filter(failed).length;
  const ms = r.scenarios.reduce((a, s) => a + s.stats.ms, 0);
  return {
    tests: r.scenarios.length, failures, errors: 0, ms,
    xml: [`  <testsuite name="${xmlAttr(oneLine(r.submission))}" tests="${r.scenarios.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(ms)}">`,
      '    <properties>', ...props, '    </properties>',
      ...r.scenarios.flatMap((s) => testcase(r, s, o)), '  </testsuite>'],
  };
}

/** One document for one submission, or for a class (a suite per submission). */
export function renderJunit(results: GradeResult | readonly GradeResult[], o: JunitOptions = {}): string {
  const list = Array.isArray(results) ? (results as readonly GradeResult[]) : [results as GradeResult];
  const suites = list.map((r) => testsuite(r, o));
  const sum = (k: 'tests' | 'failures' | 'errors' | 'ms'): number => suites.reduce((a, s) => a + s[k], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="anon-vma-lab" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" time="${seconds(sum('ms'))}">`,
    ...suites.flatMap((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
