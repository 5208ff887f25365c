package io.outpost.core.logic.units;

import io.outpost.core.config.DidYouMean;
import io.outpost.core.config.UnitConversion;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import javax.measure.Unit;
import javax.measure.UnitConverter;
import systems.uom.ucum.format.UCUMFormat;
import systems.uom.ucum.internal.format.TokenMgrError;

/**
 * Unit names and conversions, from the units library: JSR 385 (indriya, its reference implementation) with the UCUM
 * code system's parser, so every UCUM code is understood ({@code Cel}, {@code [degF]}, {@code bar}, {@code [psi]},
 * {@code m3/h}, {@code kW.h}, {@code [gal_us]/min}, prefixes, products and quotients). A few spellings engineers use
 * that UCUM writes otherwise are taken as aliases ({@code degF} is {@code [degF]}); the conversions themselves are the
 * library's, none is written here.
 *
 * <p>The library's table is built on first use (a few hundred milliseconds); a file without {@code publish-unit}
 * does not pay for it. Thread-safe.
 */
public final class UnitCatalog {

    /** Spellings from nameplates and SCADA tag lists, and the UCUM code each means. */
    static final Map<String, String> ALIASES = aliases();

    private volatile UCUMFormat format;

    private static Map<String, String> aliases() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("degC", "Cel");
        a.put("°C", "Cel");
        a.put("degF", "[degF]");
        a.put("°F", "[degF]");
        a.put("psi", "[psi]");
        a.put("inHg", "[in_i'Hg]");
        a.put("inH2O", "[in_i'H2O]");
        a.put("ft", "[ft_i]");
        a.put("in", "[in_i]");
        a.put("gal", "[gal_us]");
        a.put("gpm", "[gal_us]/min");
        a.put("bbl", "[bbl_us]");
        a.put("Wh", "W.h");
        a.put("kWh", "kW.h");
        a.put("MWh", "MW.h");
        return Map.copyOf(a);
    }

    /** The conversion, or what is wrong: {@link Result#problem()} names the offending unit. */
    public record Result(UnitConversion conversion, String problem, boolean fromIsWrong) {
    }

    /** The conversion from {@code from} to {@code to}, or why there is none. */
    public Result conversion(String from, String to) {
        Unit<?> source;
        Unit<?> target;
        try {
            source = parse(from);
        } catch (IllegalArgumentException e) {
            return new Result(null, e.getMessage(), true);
        }
        try {
            target = parse(to);
        } catch (IllegalArgumentException e) {
            return new Result(null, e.getMessage(), false);
        }
        if (!source.isCompatible(target)) {
            return new Result(null, "cannot convert " + from + " " + source.getDimension() + " to " + to + " "
                    + target.getDimension() + ": they measure different quantities", false);
        }
        UnitConverter forward = converter(source, target);
        UnitConverter inverse = forward.inverse();
        return new Result(new UnitConversion(from, to, forward::convert, inverse::convert), null, false);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static UnitConverter converter(Unit source, Unit target) {
        return source.getConverterTo(target);
    }

    private Unit<?> parse(String text) {
        String code = ALIASES.getOrDefault(text.trim(), text.trim());
        try {
            return format().parse(code);
        } catch (TokenMgrError | RuntimeException e) {
            // The UCUM parser signals an unparsable name in several ways (a lexical error is an Error subclass,
            // some odd names end in an arithmetic or cast exception); each means the same: not a unit.
            String hint = DidYouMean.suggest(text, ALIASES.keySet()).map(s -> "did you mean '" + s + "'? ").orElse("");
            throw new IllegalArgumentException("unknown unit '" + text + "'; " + hint + "write a UCUM code (Cel, "
                    + "[degF], bar, [psi], m3/h, kW.h, L/s, ...) or one of " + String.join(", ", ALIASES.keySet()));
        }
    }

    private UCUMFormat format() {
        UCUMFormat f = format;
        if (f == null) {
            synchronized (this) {
                f = format;
                if (f == null) {
                    f = quietly();
                    format = f;
                }
            }
        }
        return f;
    }

    /**
     * Builds the parser. The library logs a SEVERE line for a prefix name (DEKA) that its own unit table does not
     * have while building its symbol map; the prefix is unused by UCUM codes, so that line would only alarm an
     * operator at every start.
     */
    private static UCUMFormat quietly() {
        java.util.logging.Logger symbolMap = java.util.logging.Logger.getLogger("tech.units.indriya.format.SymbolMap");
        Level before = symbolMap.getLevel();
        symbolMap.setLevel(Level.OFF);
        try {
            return UCUMFormat.getInstance(UCUMFormat.Variant.CASE_SENSITIVE);
        } finally {
            symbolMap.setLevel(before);
        }
    }
}
