/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * Inline SVG charts that print and read without colour: every bar and point carries its value as text,
 * every chart has a title for screen readers and a table beside it on the page.
 */

/** One bar: its label, its value 0–100 (null = no figures) and the text written after it. */
export interface Bar {
  label: string;
  value: number | null;
  valueText: string;
  /** The bar's target 0–100, drawn as a dashed mark across the bar (issue 11). */
  target?: number;
}

const WIDTH = 760;

/** Splits a label into at most two lines of about `max` characters. */
function wrap(label: string, max: number): string[] {
  if (label.length <= max) return [label];
  const words = label.split(' ');
  let first = '';
  while (words.length > 0 && (first === '' || `${first} ${words[0]}`.length <= max)) first = first ? `${first} ${words.shift()}` : words.shift()!;
  const rest = words.join(' ');
  return rest ? [first, rest.length > max + 8 ? `${rest.slice(0, max + 7)}…` : rest] : [first];
}

/** Horizontal bars on a 0–100 scale with gridlines every 25. */
export function BarChart({ bars, title, targetLabel }: { bars: readonly Bar[]; title: string; /** Names the target marks for screen readers and print. */ targetLabel?: string }) {
  const labelWidth = 330;
  const plotX = labelWidth + 10;
  const plotWidth = 300;
  const rowHeight = 48;
  const top = 10;
  const height = top + bars.length * rowHeight + 30;
  const x = (value: number) => plotX + (plotWidth * Math.max(0, Math.min(100, value))) / 100;
  const grid = [0, 25, 50, 75, 100];
  return (
    <svg role="img" aria-label={title} viewBox={`0 0 ${WIDTH} ${height}`} width="100%" style={`max-width:${WIDTH}px`} xmlns="http://www.w3.org/2000/svg">
      <title>{title}</title>
      {grid.map((g) => (
        <>
          <line x1={x(g)} y1={top} x2={x(g)} y2={top + bars.length * rowHeight} stroke="#999" stroke-dasharray={g === 0 ? '' : '3 3'} />
          <text x={x(g)} y={height - 8} font-size="14" text-anchor="middle" fill="#111">
            {g}
          </text>
        </>
      ))}
      {bars.map((bar, i) => {
        const y = top + i * rowHeight;
        const lines = wrap(bar.label, 38);
        const labelY = y + rowHeight / 2 - (lines.length - 1) * 9 + 5;
        return (
          <g>
            <text x={labelWidth} y={labelY} font-size="15" text-anchor="end" fill="#111">
              {lines.map((line, j) => (
                <tspan x={labelWidth} dy={j === 0 ? 0 : 18}>
                  {line}
                </tspan>
              ))}
            </text>
            {bar.value === null ? null : <rect x={plotX} y={y + 10} width={x(bar.value) - plotX} height={rowHeight - 20} fill="#2f4f6f" stroke="#111" />}
            {bar.target === undefined ? null : (
              <line class="target-line" x1={x(bar.target)} y1={y + 4} x2={x(bar.target)} y2={y + rowHeight - 4} stroke="#b00020" stroke-width="3" stroke-dasharray="4 2">
                <title>{`${targetLabel ?? ''} ${bar.target}`.trim()}</title>
              </line>
            )}
            <text x={(bar.value === null ? plotX : x(bar.value)) + 8} y={y + rowHeight / 2 + 6} font-size="16" font-weight="700" fill="#111">
              {bar.valueText}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** One month of a trend: label under the axis, value 0–100 or null, and the texts to write. */
export interface TrendMark {
  label: string;
  sublabel: string;
  value: number | null;
  valueText: string;
}

/** A line of monthly values with each value written above its point; gaps where a month has none. */
export function TrendChart({ marks, title, target, targetLabel }: { marks: readonly TrendMark[]; title: string; /** A target 0–100 drawn as a dashed line across the chart (issue 11). */ target?: number; targetLabel?: string }) {
  const height = 290;
  const left = 52;
  const right = WIDTH - 50;
  const top = 24;
  const bottom = 220;
  // The target counts among the values so that its line is always inside the axis.
  const values = [...marks.map((m) => m.value), target ?? null].filter((v): v is number => v !== null);
  // The axis starts at a round number below the lowest value so month-to-month changes stay visible;
  // it is labelled, and the table beside the chart gives the exact figures.
  const roughLow = values.length ? Math.max(0, Math.min(80, Math.floor((Math.min(...values) - 5) / 10) * 10)) : 0;
  const tickStep = 100 - roughLow <= 50 ? 10 : 20;
  const low = Math.floor(roughLow / tickStep) * tickStep;
  const y = (value: number) => bottom - ((bottom - top) * (value - low)) / (100 - low);
  const step = marks.length > 1 ? (right - left) / (marks.length - 1) : 0;
  const xAt = (i: number) => (marks.length > 1 ? left + i * step : (left + right) / 2);
  const every = Math.max(1, Math.ceil(marks.length / 12));
  const ticks: number[] = [];
  for (let t = low; t <= 100; t += tickStep) ticks.push(t);

  const segments: string[] = [];
  let current = '';
  marks.forEach((mark, i) => {
    if (mark.value === null) {
      if (current) segments.push(current);
      current = '';
      return;
    }
    current += `${current ? ' L' : 'M'} ${xAt(i).toFixed(1)} ${y(mark.value).toFixed(1)}`;
  });
  if (current) segments.push(current);

  return (
    <svg role="img" aria-label={title} viewBox={`0 0 ${WIDTH} ${height}`} width="100%" style={`max-width:${WIDTH}px`} xmlns="http://www.w3.org/2000/svg">
      <title>{title}</title>
      {ticks.map((t) => (
        <>
          <line x1={left} y1={y(t)} x2={right} y2={y(t)} stroke="#bbb" stroke-dasharray="3 3" />
          <text x={left - 8} y={y(t) + 5} font-size="13" text-anchor="end" fill="#111">
            {t}
          </text>
        </>
      ))}
      <line x1={left} y1={bottom} x2={right} y2={bottom} stroke="#111" />
      {target === undefined ? null : (
        <>
          <line class="target-line" x1={left} y1={y(target)} x2={right} y2={y(target)} stroke="#b00020" stroke-width="2" stroke-dasharray="8 4" />
          <text x={right} y={y(target) - 6} font-size="13" text-anchor="end" fill="#b00020">
            {`${targetLabel ?? ''} ${target}`.trim()}
          </text>
        </>
      )}
      {segments.map((d) => (
        <path d={d} fill="none" stroke="#2f4f6f" stroke-width="3" />
      ))}
      {marks.map((mark, i) => {
        const showLabel = i % every === 0 || i === marks.length - 1;
        return (
          <g>
            {mark.value === null ? null : (
              <>
                <circle cx={xAt(i)} cy={y(mark.value)} r="5" fill="#fff" stroke="#111" stroke-width="2" />
                <text x={xAt(i)} y={y(mark.value) - 10} font-size="13" font-weight="700" text-anchor="middle" fill="#111">
                  {mark.valueText}
                </text>
              </>
            )}
            {showLabel ? (
              <>
                <text x={xAt(i)} y={bottom + 20} font-size="13" text-anchor="middle" fill="#111">
                  {mark.label}
                </text>
                <text x={xAt(i)} y={bottom + 38} font-size="12" text-anchor="middle" fill="#444">
                  {mark.sublabel}
                </text>
              </>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
