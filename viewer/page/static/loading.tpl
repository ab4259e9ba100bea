<style>
  /* What the page shows until the 3D view draws: the view's own background and a still outline of a molar.
     trame's default is three spinning rings, redrawn every frame: on a tablet's or a test machine's two
     cores that animation took CPU the first picture needed (issue 16), and it is no calmer for a parent. */
  html, body { margin: 0; height: 100%; background: rgb(28, 33, 41); }
  .pm-loading { position: fixed; inset: 0; display: grid; place-items: center; }
  .pm-loading svg { width: 88px; height: 88px; }
</style>
<div class="pm-loading" role="progressbar" aria-label="Loading" aria-busy="true">
  <svg viewBox="0 0 100 100" aria-hidden="true">
    <path d="M20 30C20 15 35 12 40 18C45 12 55 12 60 18C65 12 80 15 80 30C80 45 74 52 72 60L68 88C67 93 61 93
             60 88L55 62C53 58 47 58 45 62L40 88C39 93 33 93 32 88L28 60C26 52 20 45 20 30Z"
          fill="none" stroke="rgb(150, 160, 175)" stroke-width="3" stroke-linejoin="round" />
  </svg>
</div>
