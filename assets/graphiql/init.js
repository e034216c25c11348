// Starts GraphiQL in #graphiql. A file of its own, so the page runs no inline script and its
// Content-Security-Policy can allow scripts from this origin only.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var endpoint = new URL(root.dataset.endpoint, window.location.href);
  // Subscriptions go over graphql-ws (bundled in GraphiQL) on the same host: ws:, or wss: behind TLS.
  var socket = new URL(root.dataset.subscriptionEndpoint, window.location.href);
  socket.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({
    url: endpoint.toString(),
    subscriptionUrl: socket.toString(),
    fetch: function (url, options) {
      return window.fetch(url, Object.assign({}, options, { credentials: 'same-origin' }));
    },
  });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }),
  );
})();
