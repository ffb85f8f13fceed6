// place.js: the place box, an ARIA combobox (list autocomplete) that
// proposes communes from GET /api/v1/places while the user types.
// Keyboard: arrows move, Enter picks, Escape closes (then clears).

export function placeBox(input, list) {
  let timer = 0;
  let seq = 0;
  let active = -1;
  let items = [];
  const label = (p) => `${p.name} (${p.departement})`;

  function close() {
    clearTimeout(timer);
    seq++;
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    input.setAttribute('aria-activedescendant', list.children[i].id);
    list.children[i].scrollIntoView({ block: 'nearest' });
  }

  function pick(i) {
    input.value = label(items[i]);
    close();
  }

  function show(results) {
    items = results;
    list.replaceChildren(...results.map((p, i) => {
      const li = document.createElement('li');
      const cp = document.createElement('span');
      li.id = `near-option-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      cp.className = 'cp';
      cp.textContent = p.postcode || '';
      li.append(label(p), ' ', cp);
      li.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus
      li.addEventListener('click', () => pick(i));
      return li;
    }));
    if (!results.length) return close();
    active = -1;
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    input.removeAttribute('aria-activedescendant');
  }

  async function suggest() {
    const q = input.value.trim();
    const my = ++seq;
    if (q.length < 2) return close();
    try {
      const res = await fetch(`/api/v1/places?limit=8&q=${encodeURIComponent(q)}`);
      const body = res.ok ? await res.json() : { results: [] };
      if (my === seq && document.activeElement === input) show(body.results);
    } catch {
      close();
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
  input.addEventListener('keydown', (e) => {
    const open = !list.hidden;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) return suggest();
      const n = items.length;
      const next = e.key === 'ArrowDown' ? active + 1 : (active < 0 ? n : active) - 1;
      highlight((next + n) % n);
    } else if (e.key === 'Enter' && open && active >= 0) {
      e.preventDefault();
      pick(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (open) close();
      else input.value = '';
    }
  });
  input.addEventListener('blur', close);
  return { close };
}
