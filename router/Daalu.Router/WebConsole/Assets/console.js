// Daalu console page script. Draws nothing itself: every chart is a Chart.js chart built from the page's JSON island
// (#console-model), which the server filled for this viewer's role. Live panels poll the console's JSON endpoints.
(function () {
  'use strict';
  var model = JSON.parse(document.getElementById('console-model').textContent);
  var tierColor = { OwnGpu: '#1a8f4c', Hosted: '#2f6fed', External: '#e0812b' };
  var palette = ['#2f6fed', '#1a8f4c', '#e0812b', '#8e44ad', '#c23b2c', '#16a2b8', '#6c757d', '#d4a017'];
  var hasCharts = typeof window.Chart === 'function';
  if (hasCharts) {
    Chart.defaults.animation = false; // deterministic screenshots, no redraw cost on every poll
    Chart.defaults.maintainAspectRatio = false;
  }

  function chart(id, config) {
    var el = document.getElementById(id);
    return el && hasCharts ? new Chart(el, config) : null;
  }

  function money(v) { return '$' + Number(v).toFixed(6); }
  function num(v, digits) { return v === null || v === undefined ? '–' : Number(v).toFixed(digits === undefined ? 1 : digits); }
  function text(v) { return v === null || v === undefined ? '' : String(v); }

  function cell(row, value) { var td = document.createElement('td'); td.textContent = value; row.appendChild(td); return td; }
  function table(container, headers, rows) {
    var t = document.createElement('table');
    var head = t.createTHead().insertRow();
    headers.forEach(function (h) { var th = document.createElement('th'); th.textContent = h; head.appendChild(th); });
    var body = t.createTBody();
    rows.forEach(function (r) { var tr = body.insertRow(); r.forEach(function (v) { cell(tr, v); }); });
    container.replaceChildren(t);
    return t;
  }

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      if (r.status === 401) { window.location.assign(window.location.pathname.replace(/\/[^/]*$/, '/login?expired=1')); throw new Error('session expired'); }
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    });
  }

  // A rolling time series: one dataset per key, the last 60 polls.
  function pushPoint(c, label, key, value, axis) {
    if (!c) { return; }
    var ds = c.data.datasets.find(function (d) { return d.label === key; });
    if (!ds) {
      ds = { label: key, data: [], borderColor: palette[c.data.datasets.length % palette.length], yAxisID: axis || 'y', pointRadius: 2, spanGaps: true };
      c.data.datasets.push(ds);
    }
    if (c.data.labels[c.data.labels.length - 1] !== label) { c.data.labels.push(label); }
    while (ds.data.length < c.data.labels.length - 1) { ds.data.push(null); }
    ds.data.push(value);
    if (c.data.labels.length > 60) { c.data.labels.shift(); c.data.datasets.forEach(function (d) { d.data.shift(); }); }
  }

  function factory() {
    chart('chart-tier-usage', {
      type: 'doughnut',
      data: { labels: model.tiers.map(function (t) { return t.tier; }), datasets: [{ label: 'Requests', data: model.tiers.map(function (t) { return t.requests; }), backgroundColor: model.tiers.map(function (t) { return tierColor[t.tier]; }) }] },
      options: { plugins: { title: { display: true, text: 'Requests by tier' }, legend: { position: 'right' } } }
    });
    if (model.poolServed) {
      chart('chart-pool-served', {
        type: 'bar',
        data: { labels: model.poolServed.days, datasets: [{ label: 'Tokens served for other tenants', data: model.poolServed.tokens, backgroundColor: tierColor.Hosted }] },
        options: { scales: { y: { beginAtZero: true } } }
      });
    }
    var gpuChart = chart('chart-gpu-util', { type: 'line', data: { labels: [], datasets: [] }, options: { scales: { y: { min: 0, max: 100, title: { display: true, text: 'utilisation %' } }, y2: { position: 'right', min: 0, title: { display: true, text: '°C' }, grid: { drawOnChartArea: false } } } } });
    var kvChart = chart('chart-kv-cache', { type: 'line', data: { labels: [], datasets: [] }, options: { scales: { y: { min: 0, max: 100, title: { display: true, text: 'KV cache %' } }, y2: { position: 'right', min: 0, title: { display: true, text: 'running' }, grid: { drawOnChartArea: false } } } } });
    var hw = document.getElementById('hardware-table');
    var be = document.getElementById('backends-table');

    function pollHardware() {
      return getJson(model.api.hardware).then(function (data) {
        var rows = [];
        var now = new Date().toLocaleTimeString();
        data.backends.forEach(function (b) {
          if (b.error) { rows.push([b.backend, '–', b.error, '', '', '', '', '', '']); return; }
          b.gpus.forEach(function (g) {
            var total = g.memoryUsedMiB !== null && g.memoryFreeMiB !== null ? g.memoryUsedMiB + g.memoryFreeMiB : null;
            rows.push([b.backend, g.gpu, g.model, num(g.utilizationPercent, 0) + ' %', num(g.temperatureC, 0) + ' °C',
              num(g.memoryUsedMiB, 0) + ' / ' + num(total, 0) + ' MiB', num(g.powerW, 1) + ' W', g.lastXid ? 'XID ' + g.lastXid : 'none',
              Object.keys(g.counters).filter(function (k) { return ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE', 'DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_XID_ERRORS'].indexOf(k) < 0; })
                .map(function (k) { return k.replace('DCGM_FI_DEV_', '') + '=' + g.counters[k]; }).join(', ')]);
            pushPoint(gpuChart, now, b.backend + '/' + g.gpu + ' util %', g.utilizationPercent);
            pushPoint(gpuChart, now, b.backend + '/' + g.gpu + ' °C', g.temperatureC, 'y2');
          });
        });
        table(hw, ['Backend', 'GPU', 'Model', 'Utilisation', 'Temperature', 'Memory', 'Power', 'Last XID', 'Other counters'], rows);
        if (gpuChart) { gpuChart.update(); }
      });
    }

    function pollBackends() {
      return getJson(model.api.backends).then(function (data) {
        var now = new Date().toLocaleTimeString();
        table(be, ['Backend', 'Tier', 'Reachable', 'Circuit', 'In flight', 'Models', 'KV cache', 'Running', 'Waiting', 'Tokens/s', 'Mean TTFT'],
          data.backends.map(function (b) {
            pushPoint(kvChart, now, b.name + ' KV %', b.kvCacheUsage === null ? null : b.kvCacheUsage * 100);
            pushPoint(kvChart, now, b.name + ' running', b.running, 'y2');
            return [b.name, b.tier + (b.shared ? ' (shared)' : ''), b.reachable === null ? 'not probed' : (b.reachable ? 'yes' : 'no'), b.circuit, text(b.inFlight),
              b.models.join(', '), b.kvCacheUsage === null ? '–' : num(b.kvCacheUsage * 100, 1) + ' %', num(b.running, 0), num(b.waiting, 0),
              num(b.tokensPerSecond, 1), b.meanTtftMs === null ? '–' : num(b.meanTtftMs, 0) + ' ms'];
          }));
        if (kvChart) { kvChart.update(); }
      });
    }

    function loop(fn, el) {
      if (!el) { return; }
      var run = function () { fn().catch(function (e) { el.dataset.error = e.message; }).finally(function () { el.dataset.loaded = 'true'; }); };
      run();
      window.setInterval(run, 5000);
    }
    loop(pollHardware, hw);
    loop(pollBackends, be);

    var button = document.getElementById('run-diagnostics');
    if (button) {
      var out = document.getElementById('diagnostics-result');
      button.addEventListener('click', function () {
        button.disabled = true;
        fetch(model.api.diagnostics, { method: 'POST', credentials: 'same-origin', headers: { 'X-Daalu-Csrf': model.csrf, Accept: 'application/json' } })
          .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
          .then(function (r) {
            out.dataset.status = String(r.status);
            if (r.status !== 200) { out.textContent = r.body.error + (r.body.retryAfterSeconds ? ' (retry in ' + r.body.retryAfterSeconds + ' s)' : ''); return; }
            table(out, ['Backend', 'Result', 'Served models', 'Latency', 'Completion tokens', 'Tokens/s'], r.body.results.map(function (p) {
              return [p.backend, p.ok ? 'ok' : 'failed: ' + p.error, p.servedModels.join(', '), num(p.latencyMs, 1) + ' ms', text(p.completionTokens), num(p.tokensPerSecond, 1)];
            }));
          })
          .catch(function (e) { out.textContent = e.message; })
          .finally(function () { button.disabled = false; });
      });
    }
  }

  function billing() {
    var c = model.chart;
    chart('chart-billing', {
      type: 'bar',
      data: {
        labels: c.days,
        datasets: c.series.map(function (s) {
          return { label: s.tier + ' · ' + s.requestClass, data: s.tokens, stack: s.requestClass, backgroundColor: tierColor[s.tier] || '#888', tier: s.tier, requestClass: s.requestClass };
        })
      },
      options: {
        plugins: {
          legend: { labels: { filter: function (item, data) { var ds = data.datasets[item.datasetIndex]; return ds.requestClass === c.series[0].requestClass; }, generateLabels: function (ch) {
            return Chart.defaults.plugins.legend.labels.generateLabels(ch).map(function (l) { l.text = ch.data.datasets[l.datasetIndex].tier; return l; });
          } } },
          tooltip: { callbacks: { title: function (items) { return items[0].label + ' · ' + items[0].dataset.requestClass; } } }
        },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'tokens (in + out)' } } }
      }
    });
    chart('chart-spend', {
      type: 'bar',
      data: { labels: ['Your spend', 'Commercial models alone'], datasets: [{ label: 'USD', data: [model.totals.spend, model.totals.commercialEquivalent], backgroundColor: ['#1a8f4c', '#e0812b'] }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false } } }
    });
    var select = document.getElementById('sku');
    if (select) {
      select.addEventListener('change', function () {
        var s = model.skus.find(function (x) { return x.sku === select.value; });
        if (!s) { return; }
        document.querySelector('[data-testid=sku-input-price]').textContent = String(s.inputPerMTok);
        document.querySelector('[data-testid=sku-output-price]').textContent = String(s.outputPerMTok);
        document.querySelector('[data-testid=sku-cost]').textContent = money(s.cost);
        document.querySelector('[data-testid=sku-savings]').textContent = (Math.round(s.savingsPercent * 100) / 100) + ' %';
      });
    }
  }

  if (model.page === 'factory') { factory(); }
  if (model.page === 'billing') { billing(); }
}());
