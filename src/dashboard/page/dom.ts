// Building the page's elements: every value goes in as text (never as HTML), so nothing read from the API
// can add markup to the page.

export type Child = Node | string | number | null | undefined | false

export function el<K extends keyof HTMLElementTagNameMap> (tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  element.append(...nodes(children))
  return element
}

function nodes (children: Child[]): Array<Node | string> {
  return children.filter((c) => c !== null && c !== undefined && c !== false).map((c) => typeof c === 'number' ? String(c) : c as Node | string)
}

/** Replaces what `parent` holds. */
export function fill (parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...nodes(children))
}

/** The element the page's HTML declares with this id; its absence is a bug in the page, not a state to show. */
export function byId<T extends HTMLElement = HTMLElement> (id: string): T {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`the page has no #${id}`)
  return element as T
}

/** A table column: `numeric` right-aligns, `meter` gives the column room for a bar. */
export interface Column { title: string, numeric?: boolean, meter?: boolean }

/** A table, or `empty` as a sentence when there are no rows. */
export function table (columns: readonly Column[], rows: readonly Child[][], empty: string): HTMLElement {
  if (rows.length === 0) return el('p', { class: 'empty' }, empty)
  const classOf = (column: Column | undefined) => column?.numeric === true ? 'number' : column?.meter === true ? 'meter' : undefined
  const cell = (tag: 'th' | 'td', column: Column | undefined, content: Child) => {
    const name = classOf(column)
    return el(tag, name === undefined ? {} : { class: name }, content)
  }
  return el('table', {},
    el('thead', {}, el('tr', {}, ...columns.map((c) => cell('th', c, c.title)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((content, i) => cell('td', columns[i], content))))))
}
