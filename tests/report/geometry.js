// Put into a copy of a report page by tests/report/render.sh and run by
// headless Chromium: it measures the drawing as laid out and clicks it, and
// writes what it found into a pre element (id t-out) for --dump-dom, a line each:
//   ok|bad arrow N COLOUR: ...  every arrow runs from its source element through
//                         a row of each firewall of its "via", in order, to
//                         its destination element: its parts meet the
//                         elements' boxes, and go on from the row they
//                         came into (the same height), which is drawn in
//                         the arrow's colour;
//   side B in X out Y zones ZI ZO  the left edge of an Edge's internal and
//                         external side (x grows to the right), and the
//                         zones they stand in;
//   click ID: TEXT        what the details box says after a click on ID
//                         (ids from the page's meta element named t-click);
//   filter T Q: N of M    rows of table T still shown after Q is typed into
//                         its filter box (meta t-filter: "T Q").
(function () {
	var D = JSON.parse(document.getElementById('sfb-data').textContent);
	var out = [];
	var TOL = 12;   // the arrowhead stands between a path's end and its node
	function el(id) { return document.getElementById(id); }
	function ends(g) {
		var p = g.querySelector('path'), n = p.getTotalLength();
		return [p.getPointAtLength(0), p.getPointAtLength(n)];
	}
	function near(pt, b) {
		return pt.x >= b.x - TOL && pt.x <= b.x + b.width + TOL &&
		    pt.y >= b.y - TOL && pt.y <= b.y + b.height + TOL;
	}
	function fwId(name) {
		for (var i = 0; i < D.firewalls.length; i++)
			if (D.firewalls[i].name === name)
				return 'fw-' + i;
		return null;
	}
	// The row of firewall group g at height y: its outline (fill="none").
	function rowAt(g, y) {
		var ps = g.querySelectorAll('polygon[fill="none"]');
		for (var i = 0; i < ps.length; i++) {
			var b = ps[i].getBBox();
			if (y >= b.y - 0.5 && y <= b.y + b.height + 0.5)
				return ps[i];
		}
		return null;
	}
	D.arrows.forEach(function (a, i) {
		var chain = [a.from].concat(a.via.map(fwId)).concat([a.to]);
		var why = null, k, g, e, b0, b1, at = [];
		for (k = 0; k + 1 < chain.length && why === null; k++) {
			g = el(k + 2 === chain.length ? 'arrow-' + i : 'arrow-' + i + '-' + k);
			if (g === null) { why = 'no part ' + k; break; }
			if (el(chain[k]) === null || el(chain[k + 1]) === null) {
				why = 'no element ' + chain[k] + ' or ' + chain[k + 1];
				break;
			}
			e = ends(g);
			b0 = el(chain[k]).getBBox();
			b1 = el(chain[k + 1]).getBBox();
			// drawn either way round (dir=back): left to right
			if (near(e[0], b0) && near(e[1], b1))
				at.push([e[0], e[1]]);
			else if (near(e[1], b0) && near(e[0], b1))
				at.push([e[1], e[0]]);
			else
				why = 'part ' + k + ' does not join ' + chain[k] + ' and ' + chain[k + 1];
		}
		// Through each firewall: out at the height it came in, on a row
		// in the arrow's colour.
		for (k = 1; why === null && k + 1 < chain.length; k++) {
			var yin = at[k - 1][1].y, yout = at[k][0].y;
			var row = rowAt(el(chain[k]), yin);
			var colour = el('arrow-' + i).querySelector('path').getAttribute('stroke');
			if (Math.abs(yin - yout) > 1.5)
				why = 'leaves ' + chain[k] + ' at ' + yout + ', came in at ' + yin;
			else if (row === null)
				why = 'meets no row of ' + chain[k] + ' at ' + yin;
			else if (row.getAttribute('stroke') !== colour)
				why = 'its row in ' + chain[k] + ' is ' + row.getAttribute('stroke') + ', the arrow ' + colour;
		}
		out.push((why === null ? 'ok' : 'bad') + ' arrow ' + i + ' ' +
		    el('arrow-' + i).querySelector('path').getAttribute('stroke') + ': ' +
		    (why === null ? chain.join(' > ') : why));
	});
	// The zone whose box holds the middle of element g.
	function zoneOf(g) {
		var b = g.getBBox(), x = b.x + b.width / 2, y = b.y + b.height / 2, found = '-';
		document.querySelectorAll('#drawing g.zone').forEach(function (z) {
			var c = z.getBBox();
			if (x >= c.x && x <= c.x + c.width && y >= c.y && y <= c.y + c.height)
				found = z.id;
		});
		return found;
	}
	document.querySelectorAll('#drawing g.side').forEach(function (g) {
		var m = /^side-(\d+)-in$/.exec(g.id), o;
		if (m && (o = el('side-' + m[1] + '-out')) !== null)
			out.push('side ' + m[1] + ' in ' + g.getBBox().x + ' out ' + o.getBBox().x +
			    ' zones ' + zoneOf(g) + ' ' + zoneOf(o));
	});
	var meta = document.querySelector('meta[name="t-click"]');
	(meta ? meta.content.split(' ') : []).forEach(function (id) {
		var g = el(id);
		if (g === null) { out.push('click ' + id + ': (no such element)'); return; }
		g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
		out.push('click ' + id + ': ' + el('details').textContent.replace(/\s+/g, ' '));
	});
	// A filter box typed into: how many rows of its table stay shown.
	var fm = document.querySelector('meta[name="t-filter"]');
	if (fm) {
		var w = fm.content.split(' '), box = document.querySelector('input.filter[data-table="' + w[0] + '"]');
		if (box === null) {
			out.push('filter ' + w[0] + ': (no filter box)');
		} else {
			box.value = w[1];
			box.dispatchEvent(new Event('input'));
			var rows = el(w[0]).querySelectorAll('tbody tr'), shown = 0;
			rows.forEach(function (r) { if (r.style.display !== 'none') shown++; });
			out.push('filter ' + w[0] + ' ' + w[1] + ': ' + shown + ' of ' + rows.length);
		}
	}
	var pre = document.createElement('pre');
	pre.id = 't-out';
	pre.textContent = out.join('\n') + '\n';
	document.body.appendChild(pre);
})();
