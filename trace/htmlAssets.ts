// The drawn trace's inline stylesheet and script (html.ts puts them in the page). Sized for a
// projector at 1280×720. The script reads the page's JSON (#trace-data) and only moves the
// cursor, dims the steps after it, clips the lock bars and fills the step panel: the SVG itself
// is drawn by html.ts, so the page shows the whole trace even with scripts off.

export const PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0;height:100vh;display:flex;flex-direction:column;font:16px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d232b;background:#fbfbfc}
header{padding:8px 16px 6px;border-bottom:1px solid #d8dde3;background:#fff}
h1{font-size:20px;margin:0 0 2px}
h2{font-size:14px;margin:0 0 4px;text-transform:uppercase;letter-spacing:.04em;color:#5b6672}
p{margin:2px 0}
.sub{color:#3a444f}
.kernel{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:14px;color:#a11}
.kernel .why{font-family:system-ui,sans-serif;color:#3a444f}
.replay{font-size:13px;color:#5b6672}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace}
code{background:#eef1f4;padding:1px 4px;border-radius:3px}
.badge{display:inline-block;padding:2px 8px;border-radius:4px;color:#fff;font-size:16px;vertical-align:1px}
.badge.bug{background:#c62828}.badge.ok{background:#2e7d32}
main{padding:4px 16px 0;flex:1;min-height:0;display:flex;flex-direction:column}
#scroll{flex:none;overflow-x:auto;overflow-y:hidden;border:1px solid #d8dde3;background:#fff;border-radius:4px}
svg{display:block;font-family:system-ui,sans-serif}
.lane-bg{fill:#ffffff}.lane-bg.odd{fill:#f3f6f9}
.lane-name{font-size:15px;font-weight:600;fill:#1d232b}
.lane-tid{font-size:12px;fill:#7a8591}
.axis{font-size:11px;fill:#7a8591;text-anchor:middle}
.axis.end{font-weight:600}
.flow{fill:none;stroke:#b7c0ca;stroke-width:1}
#cursor{fill:rgba(255,193,7,.28);stroke:#e0a800;stroke-width:1.5}
.step .hit{fill:transparent;cursor:pointer}
.step:hover .hit{fill:rgba(33,150,243,.10)}
.mark{stroke:#1d232b;stroke-width:.8}
.mark.cross{stroke-width:2.6;fill:none}
.mark.freed{stroke:#d32f2f;stroke-width:1.6;stroke-dasharray:2 1.5}
.step.own .mark{stroke-width:1.6}
.ring{fill:none;stroke:#d32f2f;stroke-width:2.6}
.hold rect{stroke:rgba(0,0,0,.35);stroke-width:.6}
.hold.open rect{stroke:#d32f2f;stroke-width:1.4;stroke-dasharray:4 2}
.hold-label{font-size:9.5px;fill:#fff;paint-order:stroke;stroke:rgba(0,0,0,.55);stroke-width:2px;pointer-events:none}
.failure line{stroke:#ef6c00;stroke-width:1.4;stroke-dasharray:3 3}
.failure text{font-size:12.5px;fill:#ef6c00;font-weight:600}
.failure.fatal line{stroke:#d32f2f;stroke-width:2.4;stroke-dasharray:none}
.failure.fatal text{fill:#d32f2f;font-size:13.5px}
.wait rect{fill:rgba(211,47,47,.12);stroke:#d32f2f;stroke-width:1.4;stroke-dasharray:3 2}
.wait text{fill:#d32f2f;font-size:12.5px;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px}
.bad-unlock,.failure,.ring,.flow,#cursor,.wait text,.axis,.lane-name,.lane-tid{pointer-events:none}
.bad-unlock{fill:#d32f2f;font-size:14px;font-weight:700;text-anchor:middle}
.future{opacity:.16}
.hold.hidden{display:none}
#controls{display:flex;align-items:center;gap:10px;padding:6px 0}
#controls button{font-size:16px;padding:2px 12px;cursor:pointer}
#slider{flex:1;height:22px}
#stepno{font-weight:600;min-width:150px;font-variant-numeric:tabular-nums}
.keys{color:#7a8591;font-size:12px}
#panels{flex:1;display:grid;grid-template-columns:1fr 1fr;gap:12px;min-height:150px}
#panels section{background:#fff;border:1px solid #d8dde3;border-radius:4px;padding:6px 10px;min-height:0;overflow:auto}
#detail .what{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:15px;margin:2px 0 6px;word-break:break-all}
#detail .who{font-weight:600}
.src{margin:4px 0;background:#f6f8fa;border-left:3px solid #2196f3;padding:2px 0;font-size:14px}
.src div{white-space:pre;padding:0 8px}
.src .hit{background:#fff3c4;font-weight:600}
.src .no{color:#9aa3ad;display:inline-block;min-width:2.5em}
.held{font-size:13px;color:#3a444f}
.held b{color:#1d232b}
#detail .fail{color:#c62828;font-weight:600}
#reports pre{font-size:12.5px;margin:4px 0;white-space:pre-wrap;color:#a11}
#reports summary{cursor:pointer;font-weight:600}
#reports .lead summary{color:#c62828}
#reports .why{font-size:13px}
.goto{font-size:12px;margin-left:6px}
#legend{display:flex;flex-wrap:wrap;gap:4px 16px;padding:6px 16px;font-size:13px;color:#3a444f}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;border:1px solid rgba(0,0,0,.3);vertical-align:-1px;margin-left:3px}
.freed-sw{display:inline-block;width:11px;height:11px;border-radius:50%;border:1.6px dashed #d32f2f;vertical-align:-1px}
.obj{white-space:nowrap}
#tip{position:fixed;z-index:10;max-width:560px;background:#1d232b;color:#fff;padding:6px 9px;border-radius:4px;font-size:14px;pointer-events:none;box-shadow:0 2px 8px rgba(0,0,0,.3)}
#tip .src{background:#2b333d;border-left-color:#64b5f6;color:#fff}
#tip .src .hit{background:#4a4020}
.verdict-page{height:auto}
.verdict-page main{padding:16px}
.verdict-page .badge{font-size:28px}
.lines{font-size:18px}
`;

export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('trace-data').textContent);
  var last = D.steps.length - 1;
  var cur = D.start;
  var slider = document.getElementById('slider');
  var cursor = document.getElementById('cursor');
  var stepno = document.getElementById('stepno');
  var detail = document.getElementById('detail');
  var scroll = document.getElementById('scroll');
  var tip = document.getElementById('tip');
  var marks = Array.prototype.slice.call(document.querySelectorAll('#lanes [data-col]')).filter(function (el) { return el !== cursor; });
  var holds = Array.prototype.slice.call(document.querySelectorAll('#lanes .hold'));
  var cx = function (c) { return D.x0 + c * D.colW; };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function srcBlock(src) {
    var box = el('div', 'src');
    if (src.lines.length === 0) { box.appendChild(el('div', 'hit', src.loc)); return box; }
    box.appendChild(el('div', 'file', src.loc));
    src.lines.forEach(function (l) {
      var row = el('div', l[0] === src.line ? 'hit' : '');
      row.appendChild(el('span', 'no', String(l[0])));
      row.appendChild(document.createTextNode(l[1]));
      box.appendChild(row);
    });
    return box;
  }
  function title(s, c) {
    return s.end ? 'end of the run' : 'step ' + s.i + ' · ' + D.threads[s.tid];
  }
  function heldAt(c) {
    return D.holds.filter(function (h) { return h.a <= c && (c < h.b || h.open); });
  }
  function fill(c) {
    var s = D.steps[c];
    detail.textContent = '';
    detail.appendChild(el('h2', '', s.end ? 'After the last step' : 'Step ' + s.i + ' of ' + (D.steps.length - 2)));
    if (!s.end) {
      var what = el('p', 'what');
      what.appendChild(el('span', 'who', D.threads[s.tid] + ': '));
      what.appendChild(document.createTextNode(s.text));
      detail.appendChild(what);
      if (s.fn) detail.appendChild(el('p', 'held', 'in ' + s.fn));
      if (s.src) detail.appendChild(srcBlock(s.src));
      if (s.via) { detail.appendChild(el('p', 'held', 'called from')); detail.appendChild(srcBlock(s.via)); }
      if (s.freed) detail.appendChild(el('p', 'fail', '! ' + s.freed));
    }
    s.failures.forEach(function (k) {
      var f = D.failures[k];
      detail.appendChild(el('p', 'fail', (c === D.fatal ? '✗ ' : '! ') + f.kind + ': ' + f.why));
    });
    var held = heldAt(c);
    var p = el('p', 'held');
    p.appendChild(el('b', '', 'Locks held after this step: '));
    p.appendChild(document.createTextNode(held.length === 0 ? 'none' : held.map(function (h) { return D.threads[h.tid] + ' ' + h.lock; }).join(' · ')));
    detail.appendChild(p);
  }
  function show(c) {
    cur = Math.max(0, Math.min(last, c));
    slider.value = String(cur);
    cursor.setAttribute('x', String(cx(cur) - D.colW / 2));
    cursor.setAttribute('data-col', String(cur));
    var s = D.steps[cur];
    stepno.textContent = s.end ? 'end (after step ' + (D.steps.length - 2) + ')' : 'step ' + s.i + ' / ' + (D.steps.length - 2) + (cur === D.fatal ? ' ✗' : '');
    marks.forEach(function (m) { m.classList.toggle('future', Number(m.getAttribute('data-col')) > cur); });
    holds.forEach(function (h) {
      var a = Number(h.getAttribute('data-a')), b = Number(h.getAttribute('data-b'));
      var x1 = Number(h.getAttribute('data-x1')), x2 = Number(h.getAttribute('data-x2'));
      h.classList.toggle('hidden', a > cur);
      var r = h.querySelector('rect');
      var w = cur >= b ? x2 - x1 : Math.max(4, cx(cur) + D.colW / 2 - x1);
      r.setAttribute('width', String(w));
      var label = h.querySelector('text');
      if (label) label.style.display = w >= Number(h.getAttribute('data-lw')) ? '' : 'none';
    });
    fill(cur);
    var x = cx(cur);
    if (x < scroll.scrollLeft + 140 || x > scroll.scrollLeft + scroll.clientWidth - 40) scroll.scrollLeft = Math.max(0, x - scroll.clientWidth / 2);
  }
  slider.addEventListener('input', function () { show(Number(slider.value)); });
  document.getElementById('prev').addEventListener('click', function () { show(cur - 1); });
  document.getElementById('next').addEventListener('click', function () { show(cur + 1); });
  document.addEventListener('keydown', function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var to = { ArrowRight: cur + 1, ArrowDown: cur + 1, ' ': cur + 1, ArrowLeft: cur - 1, ArrowUp: cur - 1, PageDown: cur + 10, PageUp: cur - 10, Home: 0, End: last, f: D.fatal === null ? cur : D.fatal }[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    show(to);
  });
  Array.prototype.slice.call(document.querySelectorAll('.goto')).forEach(function (b) {
    b.addEventListener('click', function (ev) { ev.preventDefault(); show(Number(b.getAttribute('data-goto'))); });
  });
  Array.prototype.slice.call(document.querySelectorAll('#lanes .step')).forEach(function (g) {
    var c = Number(g.getAttribute('data-col'));
    g.addEventListener('click', function () { show(c); });
    g.addEventListener('mouseenter', function () {
      var s = D.steps[c];
      tip.textContent = '';
      tip.appendChild(el('div', 'who', title(s, c)));
      tip.appendChild(el('div', '', s.text));
      if (s.src) tip.appendChild(srcBlock({ loc: s.src.loc, line: s.src.line, lines: s.src.lines.filter(function (l) { return l[0] === s.src.line; }) }));
      tip.hidden = false;
    });
    g.addEventListener('mousemove', function (ev) {
      var w = tip.offsetWidth, h = tip.offsetHeight;
      tip.style.left = Math.min(window.innerWidth - w - 8, ev.clientX + 14) + 'px';
      tip.style.top = (ev.clientY + 18 + h > window.innerHeight ? ev.clientY - h - 12 : ev.clientY + 18) + 'px';
    });
    g.addEventListener('mouseleave', function () { tip.hidden = true; });
  });
  show(cur);
})();
`;
