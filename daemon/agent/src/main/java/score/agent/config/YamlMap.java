package score.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import score.core.plan.DurationText;

/**
 * One YAML mapping of a configuration file, read key by key with the position of every value, so
 * each complaint reads {@code FILE:LINE:COLUMN: key: reason}. Keys nobody read are unknown keys:
 * {@link #finish} reports the first of them. Scalars only as the reader asks: no YAML tags, no
 * anchors, no duplicate keys, at most 1 MiB.
 */
final class YamlMap {
  private static final long MAX_FILE_BYTES = 1 << 20;

  private final Path file;
  private final String prefix;
  private final Node node;
  private final Map<String, NodeTuple> entries;
  private final Set<String> read = new java.util.HashSet<>();

  private YamlMap(
      final Path file, final String prefix, final Node node, final Map<String, NodeTuple> entries) {
    this.file = file;
    this.prefix = prefix;
    this.node = node;
    this.entries = entries;
  }

  /** The document of {@code file}, which must be a mapping. */
  static YamlMap load(final Path file) throws ConfigException {
    final String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigException(file + ": larger than 1 MiB; this is not a configuration");
      }
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (final CharacterCodingException e) {
      throw new ConfigException(file + ": not UTF-8 text");
    } catch (final IOException e) {
      throw new ConfigException(file + ": cannot read: " + FileErrors.reason(e));
    }
    final LoadSettings settings =
        LoadSettings.builder().setLabel(file.toString()).setAllowDuplicateKeys(false).build();
    final Optional<Node> root;
    try (Reader reader =
        new java.io.StringReader(text.startsWith("\uFEFF") ? text.substring(1) : text)) {
      root =
          new Composer(settings, new ParserImpl(settings, new StreamReader(settings, reader)))
              .getSingleNode();
    } catch (final MarkedYamlEngineException e) {
      final Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
      throw new ConfigException(
          (mark == null
                  ? file + ""
                  : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1))
              + ": not valid YAML: "
              + e.getProblem());
    } catch (final YamlEngineException | IOException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
    }
    if (root.isEmpty()) {
      throw new ConfigException(file + ": empty; docs/operators-guide.md lists the settings");
    }
    return of(file, "", root.get());
  }

  private static YamlMap of(final Path file, final String prefix, final Node node)
      throws ConfigException {
    if (!(node instanceof MappingNode mapping)) {
      throw new ConfigException(
          where(file, node)
              + (prefix.isEmpty() ? "" : prefix + ": ")
              + "expected a mapping of"
              + " key: value");
    }
    final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    for (final NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
        throw new ConfigException(where(file, tuple.getKeyNode()) + "a key must be a plain word");
      }
      if (entries.put(key.getValue(), tuple) != null) {
        throw new ConfigException(
            where(file, key) + qualified(prefix, key.getValue()) + ": given twice");
      }
    }
    return new YamlMap(file, prefix, node, entries);
  }

  private static String where(final Path file, final Node node) {
    return node.getStartMark()
        .map(mark -> file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ")
        .orElse(file + ": ");
  }

  private static String qualified(final String prefix, final String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  Path file() {
    return file;
  }

  /** An error about {@code key}'s value, at the value (or at this mapping when it is absent). */
  ConfigException error(final String key, final String reason) {
    final NodeTuple tuple = entries.get(key);
    final Node at = tuple == null ? node : tuple.getValueNode();
    return new ConfigException(where(file, at) + qualified(prefix, key) + ": " + reason);
  }

  boolean has(final String key) {
    return entries.containsKey(key);
  }

  private Optional<String> scalar(final String key) throws ConfigException {
    read.add(key);
    final NodeTuple tuple = entries.get(key);
    if (tuple == null) {
      return Optional.empty();
    }
    if (!(tuple.getValueNode() instanceof ScalarNode value)) {
      throw error(key, "expected a single value");
    }
    return Optional.of(value.getValue().strip());
  }

  String text(final String key, final String fallback) throws ConfigException {
    final String value = scalar(key).orElse(fallback);
    if (value == null || value.isEmpty()) {
      throw error(key, "required");
    }
    return value;
  }

  Optional<String> optionalText(final String key) throws ConfigException {
    final Optional<String> value = scalar(key);
    if (value.isPresent() && value.get().isEmpty()) {
      throw error(key, "empty");
    }
    return value;
  }

  Duration duration(final String key, final Duration fallback, final boolean zeroAllowed)
      throws ConfigException {
    final Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return fallback;
    }
    final Duration value;
    try {
      value = DurationText.parse(text.get());
    } catch (final IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
    if (value.isZero() && !zeroAllowed) {
      throw error(key, "must be more than 0");
    }
    return value;
  }

  long integer(final String key, final long fallback, final long min, final long max)
      throws ConfigException {
    final Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return fallback;
    }
    final long value;
    try {
      value = Long.parseLong(text.get());
    } catch (final NumberFormatException e) {
      throw error(key, "'" + text.get() + "' is not a whole number");
    }
    if (value < min || value > max) {
      throw error(key, value + " is not in " + min + ".." + max);
    }
    return value;
  }

  double number(
      final String key, final double fallback, final double min, final double maxExclusive)
      throws ConfigException {
    final Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return fallback;
    }
    final double value;
    try {
      value = Double.parseDouble(text.get());
    } catch (final NumberFormatException e) {
      throw error(key, "'" + text.get() + "' is not a number");
    }
    if (!(value >= min && value < maxExclusive)) {
      throw error(key, text.get() + " is not in [" + min + ", " + maxExclusive + ")");
    }
    return value;
  }

  boolean bool(final String key, final boolean fallback) throws ConfigException {
    final Optional<String> text = scalar(key);
    if (text.isEmpty()) {
      return fallback;
    }
    return switch (text.get().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error(key, "'" + text.get() + "' is not true or false");
    };
  }

  /** The mapping under {@code key}, or an empty one when absent. */
  YamlMap map(final String key) throws ConfigException {
    read.add(key);
    final NodeTuple tuple = entries.get(key);
    if (tuple == null) {
      return new YamlMap(file, qualified(prefix, key), node, Map.of());
    }
    return of(file, qualified(prefix, key), tuple.getValueNode());
  }

  /** The mappings listed under {@code key}. */
  List<YamlMap> listOfMaps(final String key) throws ConfigException {
    read.add(key);
    final NodeTuple tuple = entries.get(key);
    if (tuple == null) {
      return List.of();
    }
    if (!(tuple.getValueNode() instanceof SequenceNode sequence)) {
      throw error(key, "expected a list (lines starting with '- ')");
    }
    final List<YamlMap> items = new ArrayList<>();
    int index = 0;
    for (final Node item : sequence.getValue()) {
      items.add(of(file, qualified(prefix, key) + "[" + index++ + "]", item));
    }
    return items;
  }

  /**
   * Reports at once the first key that is not one of {@code known}, so that a misspelt key is named
   * before any complaint about what its absence implies.
   */
  void allow(final String... known) throws ConfigException {
    final List<String> keys = List.of(known);
    for (final Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
      if (!keys.contains(entry.getKey())) {
        throw new ConfigException(
            where(file, entry.getValue().getKeyNode())
                + qualified(prefix, entry.getKey())
                + ": unknown key (known here: "
                + String.join(", ", new java.util.TreeSet<>(keys))
                + ")");
      }
    }
  }

  /** Reports the first key nobody asked for. */
  void finish() throws ConfigException {
    for (final Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
      if (!read.contains(entry.getKey())) {
        throw new ConfigException(
            where(file, entry.getValue().getKeyNode())
                + qualified(prefix, entry.getKey())
                + ": unknown key (known here: "
                + String.join(", ", new java.util.TreeSet<>(read))
                + ")");
      }
    }
  }
}
