package dev.deepscreen.trainer.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A line chart written as a PNG with Java2D (headless): loss curves and ROC curves. Axes run
 * from the given bounds; each series is a polyline with its name in the legend.
 */
public final class Chart {

  /** One line: its legend name and points. */
  public record Series(String name, double[] x, double[] y) {}

  private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xd62728),
      new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd)};
  private static final int WIDTH = 640;
  private static final int HEIGHT = 480;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 55;

  private Chart() {}

  /**
   * Draws {@code series} into {@code png}.
   *
   * @param diagonal whether to draw the chance line from (xMin, yMin) to (xMax, yMax)
   */
  public static void write(Path png, String title, String xLabel, String yLabel,
      double xMin, double xMax, double yMin, double yMax, List<Series> series, boolean diagonal)
      throws IOException {
    if (!(xMax > xMin) || !(yMax > yMin)) {
      xMax = xMin + 1;
      yMax = Math.max(yMax, yMin + 1);
    }
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      int plotW = WIDTH - LEFT - RIGHT;
      int plotH = HEIGHT - TOP - BOTTOM;
      g.setColor(new Color(0xdddddd));
      for (int i = 0; i <= 5; i++) {
        int x = LEFT + plotW * i / 5;
        int y = TOP + plotH * i / 5;
        g.drawLine(x, TOP, x, TOP + plotH);
        g.drawLine(LEFT, y, LEFT + plotW, y);
      }
      g.setColor(Color.BLACK);
      g.drawRect(LEFT, TOP, plotW, plotH);
      for (int i = 0; i <= 5; i++) {
        String xt = tick(xMin + (xMax - xMin) * i / 5);
        String yt = tick(yMax - (yMax - yMin) * i / 5);
        g.drawString(xt, LEFT + plotW * i / 5 - g.getFontMetrics().stringWidth(xt) / 2,
            TOP + plotH + 16);
        g.drawString(yt, LEFT - 6 - g.getFontMetrics().stringWidth(yt), TOP + plotH * i / 5 + 4);
      }
      g.drawString(xLabel, LEFT + plotW / 2 - g.getFontMetrics().stringWidth(xLabel) / 2,
          HEIGHT - 15);
      Graphics2D rotated = (Graphics2D) g.create();
      rotated.rotate(-Math.PI / 2);
      rotated.drawString(yLabel, -(TOP + plotH / 2 + g.getFontMetrics().stringWidth(yLabel) / 2),
          18);
      rotated.dispose();
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(title, LEFT, TOP - 14);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      if (diagonal) {
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[] {5, 5}, 0));
        g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP);
      }
      g.setStroke(new BasicStroke(2));
      for (int s = 0; s < series.size(); s++) {
        Series line = series.get(s);
        g.setColor(COLOURS[s % COLOURS.length]);
        int previousX = -1;
        int previousY = -1;
        for (int i = 0; i < line.x().length; i++) {
          if (!Double.isFinite(line.y()[i])) {
            continue;
          }
          int x = LEFT + (int) Math.round((line.x()[i] - xMin) / (xMax - xMin) * plotW);
          int y = TOP + plotH - (int) Math.round((line.y()[i] - yMin) / (yMax - yMin) * plotH);
          if (previousX >= 0) {
            g.drawLine(previousX, previousY, x, y);
          } else if (line.x().length == 1) {
            g.fillOval(x - 3, y - 3, 6, 6);
          }
          previousX = x;
          previousY = y;
        }
        int legendY = TOP + 18 + 18 * s;
        g.drawLine(LEFT + plotW - 170, legendY - 4, LEFT + plotW - 150, legendY - 4);
        g.setColor(Color.BLACK);
        g.drawString(line.name(), LEFT + plotW - 144, legendY);
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", png.toFile());
  }

  private static String tick(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e6) {
      return String.valueOf((long) value);
    }
    return String.format(java.util.Locale.ROOT, "%.2f", value);
  }
}
