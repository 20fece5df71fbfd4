/* The big screen (大屏幕): fetch /ep/bigscreen/data every few seconds and fill the page. Plain DOM,
   no framework: the page is a wall display, not the web client. Texts come from the page itself
   (hidden spans), so they follow the user's language. */
(function () {
    "use strict";
    var root = document.getElementById("ep_bigscreen");
    if (!root) { return; }
    var seconds = parseInt(root.getAttribute("data-refresh"), 10) || 10;
    var labels = {"in": document.getElementById("ep_bs_label_in").textContent,
                  "out": document.getElementById("ep_bs_label_out").textContent};

    function text(tag, value, cls) {
        var node = document.createElement(tag);
        node.textContent = value === undefined || value === null ? "" : String(value);
        if (cls) { node.className = cls; }
        return node;
    }

    function fill(data) {
        document.getElementById("ep_bs_passes").textContent = data.passes_today;
        document.getElementById("ep_bs_vehicles").textContent = data.vehicles_today;
        var cities = document.getElementById("ep_bs_cities");
        cities.innerHTML = "";
        data.cities.forEach(function (row) {
            var item = text("li", "", "o_ep_bs_band o_ep_bs_band_" + row.band);
            item.appendChild(text("span", row.city, "o_ep_bs_city"));
            item.appendChild(text("span", row.income.toFixed(2), "o_ep_bs_income"));
            cities.appendChild(item);
        });
        var feed = document.getElementById("ep_bs_feed");
        feed.innerHTML = "";
        data.feed.forEach(function (row) {
            var line = text("tr", "");
            line.appendChild(text("td", row.time));
            line.appendChild(text("td", row.lot));
            line.appendChild(text("td", row.plate, "o_ep_bs_plate"));
            line.appendChild(text("td", labels[row.direction] || row.direction, "o_ep_bs_" + row.direction));
            feed.appendChild(line);
        });
        var photos = document.getElementById("ep_bs_photos");
        photos.innerHTML = "";
        data.photos.forEach(function (row) {
            var figure = text("figure", "");
            var image = document.createElement("img");
            image.src = row.url;
            image.alt = row.plate;
            figure.appendChild(image);
            figure.appendChild(text("figcaption", row.plate + " · " + row.lot));
            photos.appendChild(figure);
        });
        document.getElementById("ep_bs_updated").textContent = new Date().toLocaleTimeString();
    }

    function load() {
        var request = new XMLHttpRequest();
        request.open("GET", "/ep/bigscreen/data");
        request.onload = function () {
            if (request.status === 200) { fill(JSON.parse(request.responseText)); }
        };
        request.send();
    }

    load();
    window.setInterval(load, seconds * 1000);
}());
