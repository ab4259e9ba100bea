"""Page CSS: the 3D view fills the screen, the page never scrolls, touch targets are >= 44 px.

Landscape: controls in a side panel on the right. Portrait: controls in a bottom sheet that collapses
to one bar. The sheet scrolls inside itself; the page never does.
"""

CSS = """
html, body { height: 100%; margin: 0; overflow: hidden !important; overscroll-behavior: none; }
.v-application, .v-application__wrap { height: 100%; min-height: 0 !important; overflow: hidden; }
.pm-root { position: fixed; inset: 0; display: flex; flex-direction: row; background: #1c2129; }
.pm-view-wrap { position: relative; flex: 1 1 auto; min-width: 0; min-height: 0; }
.pm-view { position: absolute; inset: 0; touch-action: none; user-select: none; -webkit-user-select: none; }
.pm-view > * { width: 100%; height: 100%; }
.pm-panel { flex: 0 0 340px; display: flex; flex-direction: column; min-height: 0;
            background: #fafafa; color: #222; box-shadow: -2px 0 8px rgba(0,0,0,.35); }
.pm-panel-body { flex: 1 1 auto; overflow-y: auto; overscroll-behavior: contain; padding: 8px 14px 16px; }
.pm-collapsed .pm-panel { flex-basis: 56px; }
.pm-panel-toggle { flex: 0 0 auto; justify-content: space-between; text-transform: none; }
.pm-title { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.pm-touch { min-height: 44px !important; min-width: 44px; }
.pm-section { margin-top: 10px; }
.pm-heading { font-size: .8rem; font-weight: 700; text-transform: uppercase; letter-spacing: .04em;
              color: #555; margin: 8px 0 4px; }
.pm-layer { display: flex; align-items: center; gap: 10px; min-height: 44px; }
.pm-layer .v-switch { flex: 1 1 auto; }
.pm-swatch { display: inline-block; width: 16px; height: 16px; border-radius: 4px; flex: 0 0 16px;
             border: 1px solid rgba(0,0,0,.25); margin-right: 6px; vertical-align: middle; }
.pm-swatch-xray { background: repeating-linear-gradient(45deg, #ddd, #ddd 3px, #999 3px, #999 6px); }
.pm-toggle { width: 100%; height: 44px !important; }
.pm-toggle .v-btn { flex: 1 1 0; text-transform: none; }
.pm-table { width: 100%; border-collapse: collapse; font-size: .9rem; }
.pm-table td { padding: 4px 2px; border-bottom: 1px solid #e4e4e4; }
.pm-num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pm-pick { position: absolute; top: 12px; left: 12px; width: fit-content; max-width: calc(100% - 24px);
           padding: 10px 14px; border-radius: 8px; background: rgba(255,255,255,.92); color: #111;
           font-size: 1rem; font-weight: 600; pointer-events: none; }
/* Captions, counters, errors and the camera buttons stack at the foot of the view: the crown, where the
   access and the removal happen, stays clear, and nothing overlaps whatever the width. */
.pm-foot { position: absolute; left: 8px; right: 8px; bottom: 8px; display: flex; flex-direction: column;
           gap: 6px; pointer-events: none; }
.pm-error { padding: 10px 14px; border-radius: 8px; background: #fde8e8; color: #7a1010; font-weight: 600; }
.pm-cameras { display: flex; flex-wrap: wrap; gap: 6px; justify-content: center; }
.pm-cameras .v-btn { pointer-events: auto; text-transform: none; background: rgba(255,255,255,.88); }
.pm-story { display: flex; flex-direction: column; gap: 6px; }
.pm-copy-label { font-size: .8rem; font-weight: 700; color: #234; }
.pm-caption-cmp { background: rgba(235,242,250,.92); }
.pm-caption { max-width: 640px; padding: 8px 12px; border-radius: 8px; background: rgba(255,255,255,.92);
              color: #111; font-size: .95rem; line-height: 1.3; }
.pm-step { font-size: .75rem; font-weight: 700; text-transform: uppercase; color: #555; }
.pm-note { margin-top: 4px; font-size: .8rem; color: #444; font-style: italic; }
.pm-counter { width: fit-content; padding: 6px 12px; border-radius: 8px; background: rgba(20,24,30,.85);
              color: #fff; font-size: 1rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.pm-counter-cmp { background: rgba(20,24,30,.7); font-weight: 500; }
.pm-player { margin-top: 6px; }
.pm-buttons { display: flex; gap: 6px; justify-content: space-between; }
.pm-speed { text-transform: none; }
.pm-finals { font-size: .85rem; }
.pm-final { padding: 4px 0; border-bottom: 1px solid #e4e4e4; }
@media (orientation: portrait) {
  .pm-root { flex-direction: column; }
  /* its height fixed, not its content's: the view is laid out at its size before the panel's body
     mounts (after the first picture), so that picture is not drawn again at another size */
  .pm-panel { flex: 0 0 46vh; box-shadow: 0 -2px 8px rgba(0,0,0,.35); border-radius: 12px 12px 0 0; }
  .pm-collapsed .pm-panel { flex-basis: 56px; }
}
"""

CSS += """
.pm-indicated { margin-top: 8px; padding: 8px 10px; border-radius: 8px; background: #eef5fb;
                border-left: 4px solid #7fb0d8; }
.pm-indicated-title { font-weight: 700; font-size: 1.05rem; }
.pm-indicated-why { font-size: .9rem; line-height: 1.3; }
.pm-teaching { margin-top: 6px; font-size: .78rem; color: #666; }
.pm-small { font-size: .85rem; color: #444; }
.pm-scene-btn { text-transform: none; letter-spacing: 0; }
.pm-age { font-size: 1.25rem; font-weight: 700; color: #234; }
.pm-room { background: rgba(40, 70, 100, .9); }
.pm-timeline { position: relative; height: 30px; margin: 6px 2px 18px; background: #eceff3;
               border-radius: 6px; }
.pm-tl-bar { position: absolute; top: 4px; bottom: 4px; border-radius: 4px; opacity: .95; }
.pm-tl-now { position: absolute; top: -3px; bottom: -3px; width: 3px; margin-left: -1px; background: #c0392b;
             border-radius: 2px; }
.pm-tl-axis { position: absolute; left: 0; right: 0; top: 32px; height: 14px; font-size: .7rem; color: #666; }
.pm-tl-tick { position: absolute; transform: translateX(-50%); }
.pm-tl-legend { font-size: .8rem; color: #333; }
.pm-tl-item { display: flex; align-items: center; gap: 2px; padding: 1px 0; }
.pm-quiz-prompt { font-size: 1.1rem; font-weight: 700; }
.pm-verdict { margin-top: 4px; font-weight: 600; }
.pm-right { color: #1e7a3c; }
.pm-wrong { color: #a04000; }
"""

# Chairside (viewer/chairside): the chart, the "how far" buttons, the presentation layout, the dark theme.
CSS += """
.pm-chart-card { margin-bottom: 6px; }
.pm-words { display: contents; }
.pm-explode-labels { position: absolute; left: 12px; top: 50%; transform: translateY(-50%); display: flex;
                     flex-direction: column; gap: 28px; pointer-events: none; z-index: 1; }
.pm-explode-label { display: flex; align-items: center; padding: 6px 10px; border-radius: 8px;
                    background: rgba(255,255,255,.9); color: #111; font-weight: 600;
                    font-size: calc(1rem * var(--pm-scale, 1)); }
.pm-dark .pm-explode-label { background: rgba(28,32,38,.94); color: #f1f2f4; }
.pm-source { margin-top: 2px; font-size: .8em; font-weight: 500; opacity: .8; }
.pm-citation { font-size: .8rem; line-height: 1.3; padding: 3px 0;
               border-bottom: 1px solid rgba(128,128,128,.25); }
.pm-arch { display: flex; gap: 3px; margin: 3px 0; align-items: stretch; }
.pm-chart-tooth { flex: 1 1 22px; min-width: 0 !important; min-height: 44px !important; padding: 0 !important;
                  border-radius: 8px; display: flex; align-items: center; justify-content: center; }
.v-btn.pm-chart-tooth { flex: 2 1 44px; min-width: 44px !important; }
.pm-mid { margin-left: 6px; }
.pm-chart-label { display: flex; flex-direction: column; line-height: 1.05; align-items: center; }
.pm-fdi { font-weight: 700; font-size: .95rem; }
.pm-uni { font-size: .72rem; opacity: .8; }
.pm-chart-off { flex-direction: column; line-height: 1.05; color: #8a8f96; border: 1px dashed #c9ccd1;
                background: transparent; font-size: .8rem; cursor: not-allowed; }
.pm-chart-off .pm-fdi { font-size: .75rem; font-weight: 500; }
.pm-chart-off .pm-uni { font-size: .65rem; }
.pm-reach { display: grid; grid-template-columns: repeat(4, 1fr); gap: 4px; }
.pm-reach-btn { min-width: 0 !important; padding: 0 4px !important; text-transform: none; letter-spacing: 0;
                white-space: normal; line-height: 1.1; height: auto !important; }
.pm-reach-btn .v-btn__content { white-space: normal; }
.pm-present-bar { position: absolute; top: 8px; right: 8px; display: flex; gap: 6px; z-index: 2; }
.pm-present-bar .v-btn { background: rgba(255,255,255,.88); }
.pm-aa { font-weight: 800; text-transform: none; }
/* the larger-text control scales every word over the view */
.pm-caption { font-size: calc(.95rem * var(--pm-scale, 1)); }
.pm-step { font-size: calc(.75rem * var(--pm-scale, 1)); }
.pm-note { font-size: calc(.8rem * var(--pm-scale, 1)); }
.pm-counter, .pm-pick { font-size: calc(1rem * var(--pm-scale, 1)); }
/* Presentation: the tooth large, the words beside it (landscape) or below it (portrait), never over it;
   every word at least 20 px, larger with the text control. */
.pm-present .pm-view-wrap { display: flex; flex-direction: row; }
.pm-present .pm-view { position: relative; inset: auto; flex: 1 1 auto; min-width: 0; }
.pm-present .pm-pick, .pm-present .pm-foot { position: static; max-width: none; margin: 8px; width: auto; }
.pm-present .pm-words { display: flex; flex-direction: column; justify-content: center; flex: 0 0 38%;
                        min-width: 0; overflow-y: auto; padding: 56px 0 8px; }
.pm-present .pm-caption { max-width: none; font-size: calc(20px * var(--pm-scale, 1)); }
.pm-present .pm-caption-text { font-size: calc(22px * var(--pm-scale, 1)); line-height: 1.35; }
.pm-present .pm-step, .pm-present .pm-note, .pm-present .pm-copy-label, .pm-present .pm-counter,
.pm-present .pm-pick, .pm-present .pm-error { font-size: calc(20px * var(--pm-scale, 1)); }
.pm-present .pm-cameras .v-btn { font-size: 20px; }
/* presenting, the folded panel is a small tab in the corner: one tap brings the whole panel back */
.pm-present.pm-collapsed .pm-panel { position: absolute; right: 8px; bottom: 8px; flex: none; z-index: 3;
                                     max-width: min(360px, 45%); border-radius: 12px; }
@media (orientation: portrait) {
  .pm-present.pm-collapsed .pm-panel { position: static; max-width: none; border-radius: 12px 12px 0 0; }
  .pm-present .pm-view-wrap { flex-direction: column; }
  .pm-present .pm-words { flex: 0 0 auto; max-height: 42%; padding-top: 0; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { transition: none !important; animation: none !important; scroll-behavior: auto; }
}
.pm-dark .pm-panel { background: #1b1f25; color: #e6e8eb; box-shadow: -2px 0 8px rgba(0,0,0,.6); }
.pm-dark .pm-heading, .pm-dark .pm-small, .pm-dark .pm-teaching { color: #b4bac2; }
.pm-dark .pm-table td, .pm-dark .pm-final { border-color: #333a43; }
.pm-dark .pm-indicated { background: #1f2d3a; border-left-color: #4d86b5; }
.pm-dark .pm-caption, .pm-dark .pm-pick { background: rgba(28,32,38,.94); color: #f1f2f4; }
.pm-dark .pm-step, .pm-dark .pm-note, .pm-dark .pm-copy-label { color: #c3c8cf; }
.pm-dark .pm-cameras .v-btn, .pm-dark .pm-present-bar .v-btn { background: rgba(40,46,54,.9); color: #eee; }
.pm-dark .pm-timeline { background: #2a3038; }
.pm-dark .pm-root, .pm-root.pm-dark { background: #050607; }
"""
