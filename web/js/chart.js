// Finished messages per second over time, drawn with uPlot (loaded on the first campaign page only). Each point is
// the change of the finished count between two progress answers with different as_of times, over their distance.
let uplot = null;

export function rateChart() {
  const el = document.createElement('div');
  el.className = 'chart';
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', 'Finished messages per second over time');
  const xs = [];
  const ys = [];
  let last = null;
  let plot = null;

  async function draw() {
    if (!uplot) uplot = (await import('/assets/uPlot.esm.js')).default;
    const width = Math.max(280, Math.min(el.parentElement ? el.parentElement.clientWidth - 32 : 600, 900));
    if (!plot) {
      plot = new uplot({ width, height: 200, scales: { x: { time: true } },
        series: [{}, { label: 'finished/s', stroke: '#1f5fbf', width: 2 }],
        axes: [{}, { label: 'messages/s' }] }, [xs, ys], el);
    } else {
      plot.setData([xs, ys]);
    }
  }

  function add(progress) {
    const t = Date.parse(progress.as_of) / 1000;
    if (last && t > last.t) {
      xs.push(t);
      ys.push(Math.max(0, progress.done - last.done) / (t - last.t));
      if (xs.length >= 2) draw();  // one point makes no line, and uPlot would span years around it
    }
    if (!last || t > last.t) last = { t, done: progress.done };
  }

  return { el, add };
}
