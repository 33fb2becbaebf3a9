//! Angles: the trigonometric and hyperbolic functions (radians), `atan2`, `toDegrees`,
//! `toRadians`, and `haversine`, the great-circle distance between two coordinates.
//!
//! Arguments follow the rules of the math family: numbers or numeric text, null gives null,
//! other text gives null with a cast warning. Results are floats.

use super::math::{float_arguments, FloatFunction};
use crate::prelude::*;

/// `sin(x)`: the sine of an angle in radians.
pub const SIN: FloatFunction = FloatFunction::new(
    "sin",
    "Returns the sine of x, an angle in radians, as a float. Null gives null; text that is not \
     a number gives null and counts a cast warning.",
    &[
        example!("sin(0)", "0"),
        example!("round(sin(toRadians(30)), 6)", "0.5"),
        example!("sin(null)", "null"),
    ],
    f64::sin,
);

/// `cos(x)`: the cosine of an angle in radians.
pub const COS: FloatFunction = FloatFunction::new(
    "cos",
    "Returns the cosine of x, an angle in radians, as a float. Null gives null; text that is \
     not a number gives null and counts a cast warning.",
    &[
        example!("cos(0)", "1"),
        example!("round(cos(toRadians(\"60\")), 6)", "0.5"),
        example!("cos(\"west\")", "null"),
    ],
    f64::cos,
);

/// `tan(x)`: the tangent of an angle in radians.
pub const TAN: FloatFunction = FloatFunction::new(
    "tan",
    "Returns the tangent of x, an angle in radians, as a float. Null gives null; text that is \
     not a number gives null and counts a cast warning.",
    &[
        example!("tan(0)", "0"),
        example!("round(tan(toRadians(45)), 6)", "1"),
        example!("tan(null)", "null"),
    ],
    f64::tan,
);

/// `asin(x)`: the arc sine, in radians.
pub const ASIN: FloatFunction = FloatFunction::new(
    "asin",
    "Returns the arc sine of x in radians, from -π/2 to π/2, as a float; NaN when x is outside \
     -1 to 1. Null gives null; text that is not a number gives null and counts a cast warning.",
    &[
        example!("asin(0)", "0"),
        example!("toDegrees(asin(1))", "90"),
        example!("isNaN(asin(2))", "true"),
    ],
    f64::asin,
);

/// `acos(x)`: the arc cosine, in radians.
pub const ACOS: FloatFunction = FloatFunction::new(
    "acos",
    "Returns the arc cosine of x in radians, from 0 to π, as a float; NaN when x is outside \
     -1 to 1. Null gives null; text that is not a number gives null and counts a cast warning.",
    &[
        example!("acos(1)", "0"),
        example!("toDegrees(acos(-1))", "180"),
        example!("acos(null)", "null"),
    ],
    f64::acos,
);

/// `atan(x)`: the arc tangent, in radians.
pub const ATAN: FloatFunction = FloatFunction::new(
    "atan",
    "Returns the arc tangent of x in radians, from -π/2 to π/2, as a float. Null gives null; \
     text that is not a number gives null and counts a cast warning.",
    &[
        example!("atan(0)", "0"),
        example!("toDegrees(atan(1))", "45"),
        example!("atan(\"\")", "null"),
    ],
    f64::atan,
);

/// `sinh(x)`: the hyperbolic sine.
pub const SINH: FloatFunction = FloatFunction::new(
    "sinh",
    "Returns the hyperbolic sine of x as a float. Null gives null; text that is not a number \
     gives null and counts a cast warning.",
    &[
        example!("sinh(0)", "0"),
        example!("round(sinh(1), 4)", "1.1752"),
        example!("sinh(null)", "null"),
    ],
    f64::sinh,
);

/// `cosh(x)`: the hyperbolic cosine.
pub const COSH: FloatFunction = FloatFunction::new(
    "cosh",
    "Returns the hyperbolic cosine of x as a float. Null gives null; text that is not a number \
     gives null and counts a cast warning.",
    &[
        example!("cosh(0)", "1"),
        example!("round(cosh(\"1\"), 4)", "1.5431"),
        example!("cosh(null)", "null"),
    ],
    f64::cosh,
);

/// `tanh(x)`: the hyperbolic tangent.
pub const TANH: FloatFunction = FloatFunction::new(
    "tanh",
    "Returns the hyperbolic tangent of x, between -1 and 1, as a float. Null gives null; text \
     that is not a number gives null and counts a cast warning.",
    &[
        example!("tanh(0)", "0"),
        example!("tanh(1000)", "1"),
        example!("tanh(\"one\")", "null"),
    ],
    f64::tanh,
);

/// `toDegrees(x)`: radians to degrees.
pub const TO_DEGREES: FloatFunction = FloatFunction::new(
    "toDegrees",
    "Converts an angle in radians to degrees, as a float. Null gives null; text that is not a \
     number gives null and counts a cast warning.",
    &[
        example!("toDegrees(0)", "0"),
        example!("toDegrees(acos(-1) / 2)", "90"),
        example!("toDegrees(null)", "null"),
    ],
    f64::to_degrees,
);

/// `toRadians(x)`: degrees to radians.
pub const TO_RADIANS: FloatFunction = FloatFunction::new(
    "toRadians",
    "Converts an angle in degrees to radians, as a float. Null gives null; text that is not a \
     number gives null and counts a cast warning.",
    &[
        example!("toRadians(180)", "3.141592653589793"),
        example!("toRadians(\"-90\")", "-1.5707963267948966"),
        example!("toRadians(null)", "null"),
    ],
    f64::to_radians,
);

/// `atan2(y, x)`: the angle of the point (x, y), in radians.
#[derive(Debug)]
pub struct Atan2;

impl ScalarFunction for Atan2 {
    fn name(&self) -> &'static str {
        "atan2"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(2)
    }

    fn doc(&self) -> &'static str {
        "Given y then x, returns the angle in radians from the positive x axis to the point \
         (x, y), from -π to π, as a float (the four-quadrant arc tangent of y / x). Null on \
         either side gives null; text that is not a number gives null and counts a cast warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("toDegrees(atan2(1, 1))", "45"),
            example!("toDegrees(atan2(\"-1\", 0))", "-90"),
            example!("atan2(null, 1)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(float_arguments::<2>(args, ctx).map_or(Value::Null, |[y, x]| Value::Float(y.atan2(x))))
    }
}

/// The Earth's radius in kilometres that Sumo Logic's `haversine` uses: its documented example
/// (3512.71 km from 39.04380, -77.48790 to 45.73723, -119.81143) comes out with this radius.
const EARTH_RADIUS_KM: f64 = 6372.8;

/// The great-circle distance in kilometres between two points given in degrees.
fn great_circle_km([lat1, lon1, lat2, lon2]: [f64; 4]) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let half_dphi = (phi2 - phi1) / 2.0;
    let half_dlambda = (lon2 - lon1).to_radians() / 2.0;
    let h = half_dphi.sin().powi(2) + phi1.cos() * phi2.cos() * half_dlambda.sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// `haversine(lat1, lon1, lat2, lon2)`: the distance between two coordinates, in kilometres.
#[derive(Debug)]
pub struct Haversine;

impl ScalarFunction for Haversine {
    fn name(&self) -> &'static str {
        "haversine"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(4)
    }

    fn doc(&self) -> &'static str {
        "Returns the great-circle distance in kilometres between two points given as latitude \
         and longitude in decimal degrees (north and east positive, south and west negative), \
         by the haversine formula on a sphere of radius 6372.8 km, rounded to 2 decimal places \
         as Sumo Logic shows it. Divide by 1.609344 for miles. A null argument gives null; text \
         that is not a number gives null and counts a cast warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!(
                "haversine(39.04380, -77.48790, 45.73723, -119.81143)",
                "3512.71"
            ),
            example!("haversine(\"0\", \"0\", \"0\", \"180\")", "20020.74"),
            example!("haversine(10, 20, 10, 20)", "0"),
            example!("haversine(10, 20, null, 20)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(
            float_arguments::<4>(args, ctx).map_or(Value::Null, |points| {
                let km = great_circle_km(points);
                Value::Float((km * 100.0).round() / 100.0)
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_is_symmetric_and_bounded() {
        let there = great_circle_km([51.5, -0.12, -33.87, 151.21]);
        let back = great_circle_km([-33.87, 151.21, 51.5, -0.12]);
        assert!((there - back).abs() < 1e-9);
        assert!((16_990.0..17_000.0).contains(&there), "{there}");
        let antipodes = great_circle_km([90.0, 0.0, -90.0, 0.0]);
        assert!((antipodes - EARTH_RADIUS_KM * std::f64::consts::PI).abs() < 1e-6);
    }

    #[test]
    fn bad_coordinates_warn() {
        let mut ctx = CallContext::default();
        let args = [
            Value::text("north"),
            Value::Int(0),
            Value::Int(0),
            Value::Null,
        ];
        assert_eq!(Haversine.call(&args, &mut ctx), Ok(Value::Null));
        assert_eq!(ctx.warnings.count(WarningKind::CastFailed), 1);
    }
}
