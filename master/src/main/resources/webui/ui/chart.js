// Time-series charts drawn by uPlot (from its WebJar); this module only sets them up.

import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';

const COLORS = ['#1f77b4', '#d62728', '#ff7f0e', '#2ca02c', '#9467bd'];

/**
 * A line chart of several series over time.
 * @param labels the series' names
 * @returns {el, set(data)} where data is [times (s), series1, series2, ...]
 */
export function timeChart(labels, {title, width = 560, height = 220, id} = {}) {
  const el = document.createElement('div');
  el.className = 'chart';
  if (id) el.id = id;
  const options = {
    title, width, height,
    series: [{}, ...labels.map((label, i) => ({label, stroke: COLORS[i % COLORS.length], width: 2}))],
    axes: [{}, {size: 60}],
    scales: {x: {time: true}},
  };
  const plot = new uPlot(options, [[], ...labels.map(() => [])], el);
  return {el, set: data => plot.setData(data)};
}
