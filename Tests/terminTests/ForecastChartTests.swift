import Foundation
import Testing
import TerminForecast

/// The forecast chart as a browser shows it: headless Chromium parses the SVG, lays it out and takes a
/// screenshot (Chromium is installed by `.ci/run`).
@Suite struct ForecastChartTests {
    static var chromium: String {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) { return path }
        return "/usr/bin/chromium"
    }

    @Test func theChartIsValidSVGThatChromiumLaysOut() throws {
        let folder = try TerminProcess.temporaryDirectory()
        let input = folder.appendingPathComponent("series.csv"), chart = folder.appendingPathComponent("chart.svg")
        try ForecastCommandTests.monthlyCSV().write(to: input, atomically: true, encoding: .utf8)
        let outcome = try TerminProcess.termin(["forecast", "--csv", input.path, "--chart", chart.path])
        #expect(outcome.status == 0, "\(outcome.errors)")
        let svg = try String(contentsOf: chart, encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))

        // The browser's own parse: an XML error would show as a parsererror element.
        let dom = try TerminProcess.run(Self.chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", chart.absoluteString])
        #expect(dom.status == 0 && dom.output.contains("class=\"forecast\"") && !dom.output.contains("parsererror"), "\(dom.errors)")

        // Laid out: the lines and bands have a size, the labels name dates and the unit.
        let page = folder.appendingPathComponent("layout.html")
        try """
            <!doctype html><html><body>\(svg)<script>
            const box = s => { const b = document.querySelector(s).getBBox(); return Math.round(b.width) + 'x' + Math.round(b.height); };
            document.body.setAttribute('data-history', box('.history'));
            document.body.setAttribute('data-forecast', box('.forecast'));
            document.body.setAttribute('data-band', box('.band'));
            </script></body></html>
            """.write(to: page, atomically: true, encoding: .utf8)
        let laidOut = try TerminProcess.run(Self.chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.absoluteString])
        func size(_ name: String) -> (Int, Int)? {
            guard let range = laidOut.output.range(of: "data-\(name)=\"") else { return nil }
            let parts = laidOut.output[range.upperBound...].prefix { $0 != "\"" }.split(separator: "x").compactMap { Int($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
        let history = try #require(size("history")), forecast = try #require(size("forecast")), band = try #require(size("band"))
        #expect(history.0 > 400 && history.1 > 50)
        #expect(forecast.0 > 100 && forecast.1 > 20 && band.0 >= forecast.0 && band.1 >= forecast.1)
        #expect(svg.contains(">2026-01<") || svg.contains(">2026-0"))
        #expect(svg.contains("value per month"))

        // A screenshot of the size asked for (PNG signature, IHDR width and height).
        let screenshot = folder.appendingPathComponent("chart.png")
        let shot = try TerminProcess.run(Self.chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                         "--window-size=960,420", "--screenshot=\(screenshot.path)", chart.absoluteString])
        #expect(shot.status == 0, "\(shot.errors)")
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        func bigEndian(_ offset: Int) -> Int { png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(bigEndian(16) == 960 && bigEndian(20) == 420)
        #expect(png.count > 10_000)
    }
}
