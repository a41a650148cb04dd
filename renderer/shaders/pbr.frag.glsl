#version 450 core
// Metallic-roughness shading: Lambert diffuse plus Cook-Torrance GGX specular from one directional key light, and
// a hemisphere ambient (sky above, ground below). Output is linear; GL_FRAMEBUFFER_SRGB encodes it once.

layout(std140, binding = 0) uniform Frame {
    mat4 view_projection[2];
    vec4 eye_position[2];
    vec4 light_direction;
    vec4 light_color;
    vec4 sky_color;
    vec4 ground_color;
} frame;

layout(std140, binding = 1) uniform Material {
    vec4 base_color;  // linear RGBA factor
    vec4 emissive;    // rgb: linear emitted light factor
    vec4 params;      // x metallic, y roughness, z alpha cutoff, w alpha mode (0 OPAQUE, 1 MASK, 2 BLEND)
    vec4 flags;       // x unlit, y double sided
} material;

layout(binding = 0) uniform sampler2D base_color_texture;          // sRGB textures decode to linear on sampling
layout(binding = 1) uniform sampler2D metallic_roughness_texture;  // linear: B = metallic, G = roughness
layout(binding = 2) uniform sampler2D emissive_texture;

// UNTEXTURED (defined by the renderer for materials without textures): a missing texture is white, which
// multiplies by exactly 1, so this variant does not sample at all; filtering is a large share of a software
// rasteriser's work per fragment. Both variants give the same colours.
#ifdef UNTEXTURED
#define SAMPLE(name) vec4(1.0)
#else
#define SAMPLE(name) texture(name, v_uv)
#endif

in vec3 v_world_position;
in vec3 v_normal;
in vec2 v_uv;
in vec4 v_color;
in vec4 v_highlight;
flat in int v_eye;

layout(location = 0) out vec4 o_color;

const float PI = 3.14159265358979;

vec3 hemisphere(vec3 direction) {
    return mix(frame.ground_color.rgb, frame.sky_color.rgb, clamp(direction.y * 0.5 + 0.5, 0.0, 1.0));
}

float ggx_distribution(float n_dot_h, float alpha) {
    float alpha2 = alpha * alpha;
    float d = n_dot_h * n_dot_h * (alpha2 - 1.0) + 1.0;
    return alpha2 / (PI * d * d);
}

// x^5 by multiplying: pow() is exp2(5 log2 x) on most GPUs and in llvmpipe, dearer and no more exact.
float pow5(float x) {
    float x2 = x * x;
    return x2 * x2 * x;
}

float schlick_geometry(float n_dot_x, float k) {
    return n_dot_x / (n_dot_x * (1.0 - k) + k);
}

void main() {
    vec4 base = material.base_color * SAMPLE(base_color_texture) * v_color;
    float alpha_mode = material.params.w;
    if (alpha_mode == 1.0 && base.a < material.params.z) {
        discard;
    }
    float alpha = alpha_mode == 2.0 ? base.a : 1.0;
    vec3 emitted = material.emissive.rgb * SAMPLE(emissive_texture).rgb;
    vec3 color;
    float normal_length = length(v_normal);
    if (material.flags.x > 0.5 || normal_length < 1e-6) {
        color = base.rgb + emitted;  // unlit (text, UI, grid lines), or a degenerate triangle with no direction
    } else {
        vec3 n = v_normal / normal_length;
        if (material.flags.y > 0.5 && !gl_FrontFacing) {
            n = -n;  // the back of a double-sided surface is lit as its own front
        }
        vec3 v = normalize(frame.eye_position[v_eye].xyz - v_world_position);
        vec3 l = frame.light_direction.xyz;
        vec3 h = normalize(l + v);
        vec4 mr = SAMPLE(metallic_roughness_texture);
        float metallic = clamp(material.params.x * mr.b, 0.0, 1.0);
        // Roughness below ~0.05 makes the GGX lobe narrower than a pixel: the highlight would flicker.
        float roughness = clamp(material.params.y * mr.g, 0.05, 1.0);
        float n_dot_l = max(dot(n, l), 0.0);
        float n_dot_v = max(dot(n, v), 1e-4);
        float n_dot_h = max(dot(n, h), 0.0);
        float v_dot_h = max(dot(v, h), 0.0);

        vec3 f0 = mix(vec3(0.04), base.rgb, metallic);
        vec3 fresnel = f0 + (1.0 - f0) * pow5(1.0 - v_dot_h);
        float k = (roughness + 1.0) * (roughness + 1.0) / 8.0;  // Schlick-GGX k for direct light
        float geometry = schlick_geometry(n_dot_l, k) * schlick_geometry(n_dot_v, k);
        vec3 specular = ggx_distribution(n_dot_h, roughness * roughness) * geometry * fresnel
                      / max(4.0 * n_dot_l * n_dot_v, 1e-4);
        vec3 diffuse = (1.0 - fresnel) * (1.0 - metallic) * base.rgb / PI;
        vec3 direct = (diffuse + specular) * frame.light_color.rgb * n_dot_l;

        // Ambient: diffuse from the hemisphere around the normal, specular from the hemisphere in the mirror
        // direction with a roughness-aware Fresnel, so metals are not black away from the key light.
        vec3 ambient_fresnel = f0 + (max(vec3(1.0 - roughness), f0) - f0) * pow5(1.0 - n_dot_v);
        vec3 ambient = hemisphere(n) * base.rgb * (1.0 - metallic)
                     + hemisphere(reflect(-v, n)) * ambient_fresnel;
        color = direct + ambient + emitted;
        // A highlight glows most at the silhouette, so the object's own shading stays readable.
        float rim = (1.0 - n_dot_v) * (1.0 - n_dot_v);
        color += v_highlight.rgb * v_highlight.a * (0.25 + 0.75 * rim);
    }
    if (material.flags.x > 0.5 || normal_length < 1e-6) {
        color += v_highlight.rgb * v_highlight.a * 0.35;
    }
    o_color = vec4(color, alpha);
}
